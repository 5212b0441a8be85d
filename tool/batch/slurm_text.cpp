#include "batch/slurm_text.hpp"

#include <charconv>
#include <cstdio>

#include "util/strings.hpp"

namespace waybill::batch {

namespace {

std::optional<size_t> number(std::string_view s) {
  size_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// Slurm's --time: minutes, or D-HH:MM:SS for longer.
std::string slurm_time(std::chrono::seconds t) {
  long long s = t.count();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%lld-%02lld:%02lld:%02lld", s / 86400, s / 3600 % 24, s / 60 % 60, s % 60);
  return buf;
}

// "ExitCode=2:0" → 2; "0:9" (killed by signal 9) → 128 + 9.
int exit_code_of(std::string_view text) {
  auto colon = text.find(':');
  auto code = number(trim(text.substr(0, colon)));
  auto sig = colon == std::string_view::npos ? std::optional<size_t>() : number(trim(text.substr(colon + 1)));
  if (sig && *sig) return 128 + static_cast<int>(*sig);
  return code ? static_cast<int>(*code) : 0;
}

void set_tasks(std::vector<TaskState>& tasks, std::string_view ids, const TaskState& state) {
  auto indices = parse_array_indices(ids);
  if (!indices) return;
  for (size_t i : *indices)
    if (i < tasks.size()) tasks[i] = state;
}

TaskState state_of(std::string_view state, std::string_view exit_code) {
  TaskState s;
  s.status = status_of_slurm_state(state);
  s.exit_code = exit_code_of(exit_code);
  if (s.status == TaskStatus::Failed) s.reason = std::string(split(trim(state), ' ')[0]);
  return s;
}

}  // namespace

std::string shell_quote(std::string_view word) {
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string slurm_job_script(const TaskArray& a, const SlurmOptions& o) {
  std::string s = "#!/bin/sh\n# Written by waybill: " + a.name + ", " + std::to_string(a.count) +
                  " task(s). Submit it again with: sbatch " + (a.work_dir / "job.sh").string() + "\n";
  auto line = [&s](const std::string& option) { s += "#SBATCH " + option + "\n"; };
  line("--job-name=" + a.name);
  line("--array=0-" + std::to_string(a.count ? a.count - 1 : 0) + (a.parallel ? "%" + std::to_string(a.parallel) : ""));
  line("--output=" + (a.work_dir / "logs" / "task-%a.log").string());
  line("--requeue");  // a task on a node that fails runs again elsewhere
  line("--chdir=" + a.work_dir.string());
  if (a.resources.cpus) line("--cpus-per-task=" + std::to_string(a.resources.cpus));
  if (a.resources.memory_bytes)
    line("--mem=" + std::to_string((a.resources.memory_bytes + (1 << 20) - 1) >> 20) + "M");
  if (a.resources.time.count() > 0) line("--time=" + slurm_time(a.resources.time));
  if (!o.partition.empty()) line("--partition=" + o.partition);
  if (!o.account.empty()) line("--account=" + o.account);
  if (!o.qos.empty()) line("--qos=" + o.qos);
  for (const auto& e : o.extra) line(e);
  for (const auto& kv : a.env) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) continue;
    s += "export " + kv.substr(0, eq) + "=" + shell_quote(kv.substr(eq + 1)) + "\n";
  }
  s += "export WAYBILL_TASK_INDEX=\"$SLURM_ARRAY_TASK_ID\" WAYBILL_TASK_ATTEMPT=\"${SLURM_RESTART_COUNT:-0}\"\nexec";
  for (const auto& w : a.command) s += " " + shell_quote(w);
  return s + "\n";
}

std::optional<std::vector<size_t>> parse_array_indices(std::string_view text) {
  text = trim(text);
  if (text.starts_with('[') && text.ends_with(']')) text = text.substr(1, text.size() - 2);
  text = text.substr(0, text.find('%'));
  std::vector<size_t> out;
  for (std::string_view part : split(text, ',')) {
    auto dash = part.find('-');
    auto first = number(part.substr(0, dash));
    auto last = dash == std::string_view::npos ? first : number(part.substr(dash + 1));
    if (!first || !last || *last < *first || *last - *first > 1000000) return std::nullopt;
    for (size_t i = *first; i <= *last; ++i) out.push_back(i);
  }
  if (out.empty()) return std::nullopt;
  return out;
}

TaskStatus status_of_slurm_state(std::string_view state) {
  std::string_view s = split(trim(state), ' ')[0];
  if (s == "COMPLETED") return TaskStatus::Done;
  if (s == "RUNNING" || s == "COMPLETING" || s == "CONFIGURING" || s == "STAGE_OUT" || s == "SIGNALING")
    return TaskStatus::Running;
  if (s == "PENDING" || s == "REQUEUED" || s == "REQUEUE_FED" || s == "REQUEUE_HOLD" || s == "RESIZING" ||
      s == "SUSPENDED" || s == "STOPPED" || s == "RESV_DEL_HOLD" || s == "SPECIAL_EXIT" || s.empty())
    return TaskStatus::Pending;
  return TaskStatus::Failed;  // FAILED, CANCELLED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, BOOT_FAIL, DEADLINE, PREEMPTED
}

std::vector<TaskState> parse_sacct(std::string_view text, size_t count) {
  std::vector<TaskState> tasks(count);
  for (std::string_view line : split_lines(text)) {
    auto f = split(trim(line), '|');
    if (f.size() < 3) continue;
    auto underscore = f[0].find('_');
    if (underscore == std::string_view::npos) continue;
    set_tasks(tasks, f[0].substr(underscore + 1), state_of(f[1], f[2]));
  }
  return tasks;
}

std::vector<TaskState> parse_scontrol(std::string_view text, size_t count) {
  std::vector<TaskState> tasks(count);
  for (std::string_view line : split_lines(text)) {
    std::string_view ids, state, exit_code = "0:0";
    for (std::string_view field : split(trim(line), ' ')) {
      auto eq = field.find('=');
      if (eq == std::string_view::npos) continue;
      std::string_view key = field.substr(0, eq), value = field.substr(eq + 1);
      if (key == "ArrayTaskId") ids = value;
      else if (key == "JobState") state = value;
      else if (key == "ExitCode") exit_code = value;
    }
    if (!ids.empty() && !state.empty()) set_tasks(tasks, ids, state_of(state, exit_code));
  }
  return tasks;
}

std::string parse_sbatch_job_id(std::string_view output) {
  std::string found;
  for (std::string_view line : split_lines(output)) {
    std::string_view id = trim(line.substr(0, line.find(';')));
    if (number(id)) found = std::string(id);
  }
  return found;
}

}  // namespace waybill::batch
