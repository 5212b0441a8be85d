#include "driver/stage_times.hpp"

#include <cstdio>

namespace waybill::driver {

StageTimes& StageTimes::operator+=(const StageTimes& o) {
  read += o.read;
  plan += o.plan;
  build += o.build;
  execute += o.execute;
  write += o.write;
  return *this;
}

nlohmann::json StageTimes::to_json() const {
  auto round = [](double ms) { return static_cast<double>(static_cast<long long>(ms * 1000 + 0.5)) / 1000; };
  return {{"read", round(read)}, {"plan", round(plan)}, {"build", round(build)}, {"execute", round(execute)},
          {"write", round(write)}};
}

std::string StageTimes::table() const {
  double total = read + plan + build + execute + write;
  std::string out;
  auto line = [&](const char* name, double ms) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "  %-8s %10.1f ms %5.1f%%\n", name, ms, total > 0 ? 100 * ms / total : 0.0);
    out += buf;
  };
  line("read", read);
  line("plan", plan);
  line("build", build);
  line("execute", execute);
  line("write", write);
  line("total", total);
  return out;
}

}  // namespace waybill::driver
