#include "plan/plan.hpp"

#include <algorithm>

#include "util/error.hpp"
#include "util/strings.hpp"

namespace waybill::plan {

namespace {

// The image a cell or inline expression runs in: the cell's own `image` option, else
// the manifest's image for its language, else the front matter's `waybill: {image: ...}`,
// else the only image the document declares.
std::string image_for(const doc::Document& d, const Plan& plan, const std::string& language,
                      const std::string& own_image, const std::string& what, doc::Pos pos) {
  if (!own_image.empty()) return own_image;
  if (auto it = plan.manifest.languages.find(language); it != plan.manifest.languages.end() && !it->second.image.empty())
    return it->second.image;
  if (const auto* settings = d.meta.waybill())
    if (const auto* image = settings->get("image"); image && image->is_scalar()) return image->scalar;
  if (plan.images.size() == 1) return plan.images[0].name;
  if (plan.images.empty() && !plan.has_manifest) return "";  // nowhere to run: shown only (see make_plan)
  std::string names;
  for (const auto& i : plan.images) names += (names.empty() ? "" : ", ") + i.name;
  throw Error(ErrorKind::Document, "the " + what + " has no image to run in", d.loc(pos),
              plan.images.empty() ? "declare one in a ```dockerfile {#name} block"
                                  : "choose one of " + names + " with `#| image: NAME`, or set languages." + language +
                                        ".image in the manifest");
}

size_t session_for(Plan& plan, const std::string& image, const std::string& language) {
  for (size_t s = 0; s < plan.sessions.size(); ++s)
    if (plan.sessions[s].image == image && plan.sessions[s].language == language) return s;
  SessionPlan session{image, language, {}, {}, {}, {}};
  if (auto it = plan.manifest.languages.find(language); it != plan.manifest.languages.end()) {
    session.command = it->second.command;
    session.kernel = it->second.kernel;
  }
  plan.sessions.push_back(std::move(session));
  return plan.sessions.size() - 1;
}

void collect_inlines(const std::vector<doc::Inline>& v, std::vector<InlinePlan>& out) {
  for (const auto& in : v) {
    if (in.kind == doc::InlineKind::InlineCell) out.push_back(InlinePlan{in.target, in.text, in.pos});
    collect_inlines(in.children, out);
  }
}

void collect_inlines(const std::vector<doc::Block>& v, std::vector<InlinePlan>& out) {
  for (const auto& b : v) {
    collect_inlines(b.inlines, out);
    collect_inlines(b.caption, out);
    for (const auto& row : b.rows)
      for (const auto& cell : row) collect_inlines(cell.content, out);
    collect_inlines(b.children, out);
  }
}

bool before(doc::Pos a, doc::Pos b) { return a.line != b.line ? a.line < b.line : a.col < b.col; }

}  // namespace

const ImagePlan* Plan::image_block(const std::string& name) const {
  for (const auto& i : images)
    if (i.name == name) return &i;
  return nullptr;
}

Manifest merge_manifests(const Manifest& base, const Manifest& page, const doc::MetaValue& page_value) {
  Manifest m = base;
  for (const auto& [lang, s] : page.languages) m.languages[lang] = s;
  m.inputs.insert(m.inputs.end(), page.inputs.begin(), page.inputs.end());
  for (const auto& mount : page.mounts) {
    std::erase_if(m.mounts, [&](const MountSetting& d) { return d.target == mount.target; });
    m.mounts.push_back(mount);
  }
  m.env.insert(m.env.end(), page.env.begin(), page.env.end());  // later entries win
  if (page_value.get("network")) m.network = page.network;
  const LimitSettings& l = page.limits;
  if (l.memory_bytes) m.limits.memory_bytes = l.memory_bytes;
  if (l.cpus) m.limits.cpus = l.cpus;
  if (l.pids) m.limits.pids = l.pids;
  if (l.cell_timeout) m.limits.cell_timeout = l.cell_timeout;
  if (l.document_timeout) m.limits.document_timeout = l.document_timeout;
  for (const auto& b : page.bases) {
    std::erase_if(m.bases, [&](const BaseSource& d) { return d.reference == b.reference; });
    m.bases.push_back(b);
  }
  m.loc = page.loc;
  return m;
}

Plan make_plan(const doc::Document& d, const PlanDefaults* defaults) {
  Plan plan;
  if (d.manifest) plan.manifest = read_manifest(d.manifest->value, d.path);
  if (defaults && defaults->manifest)
    plan.manifest = d.manifest ? merge_manifests(*defaults->manifest, plan.manifest, d.manifest->value) : *defaults->manifest;
  // Names are unique: the reader refuses a second block with the same name.
  for (const auto& block : d.images)
    // A document's only block may be unnamed (document-format.md): it is the image `default`.
    plan.images.push_back(ImagePlan{block.name.empty() ? std::string(kDefaultImage) : block.name, block.dockerfile,
                                    block.first_line, d.loc(block.fence), {}});
  if (defaults)
    for (const auto& image : defaults->images)
      if (!plan.image_block(image.name)) plan.images.push_back(image);
  plan.has_manifest = d.manifest.has_value() || (defaults && defaults->manifest);
  plan.cell_session.resize(d.cells.size());
  size_t unplaced = 0;
  for (const auto& cell : d.cells) {
    if (!cell.options.eval) continue;
    std::string label = cell.options.label.empty() ? "" : " '" + cell.options.label + "'";
    std::string image = image_for(d, plan, cell.language, cell.options.image, cell.language + " cell" + label, cell.fence);
    if (image.empty()) {
      if (unplaced++ == 0)
        plan.warnings.push_back(Diagnostic{Severity::Warning,
                                           "the document declares no image, so its cells are shown, not run",
                                           d.loc(cell.fence),
                                           "add a ```dockerfile {#name} block, or name a stored image in the front "
                                           "matter: `waybill: {image: NAME}`"});
      continue;
    }
    size_t s = session_for(plan, image, cell.language);
    plan.sessions[s].cells.push_back(cell.index);
    plan.sessions[s].steps.push_back(SessionStep{SessionStep::Kind::Cell, cell.index, cell.fence});
    plan.cell_session[cell.index] = s;
  }
  collect_inlines(d.blocks, plan.inlines);
  for (const auto& note : d.footnotes) collect_inlines(note, plan.inlines);
  for (size_t i = 0; i < plan.inlines.size(); ++i) {
    const InlinePlan& in = plan.inlines[i];
    std::string image = image_for(d, plan, in.language, "", "inline " + in.language + " expression", in.pos);
    if (image.empty()) continue;
    size_t s = session_for(plan, image, in.language);
    plan.sessions[s].steps.push_back(SessionStep{SessionStep::Kind::Inline, i, in.pos});
  }
  for (auto& session : plan.sessions)
    std::stable_sort(session.steps.begin(), session.steps.end(),
                     [](const SessionStep& a, const SessionStep& b) { return before(a.pos, b.pos); });
  return plan;
}

std::string describe_plan(const Plan& plan, const doc::Document& d) {
  std::string out;
  for (const auto& i : plan.images) out += "image " + i.name + " (Dockerfile at " + i.loc.str() + ")\n";
  for (const auto& b : plan.manifest.bases) {
    out += "base " + b.reference + " when the store lacks it: ";
    if (b.bootstrap)
      out += "bootstrap " + b.bootstrap->suite + " (" + b.bootstrap->variant + ") from " +
             (b.bootstrap->mirror.empty() ? std::string("the machine's apt sources") : b.bootstrap->mirror) +
             (b.bootstrap->include.empty() ? "" : ", with " + join(b.bootstrap->include, " ")) + "\n";
    else
      out += "load " + b.archive + "\n";
  }
  for (const auto& s : plan.sessions) {
    out += "session " + s.language + " in " + s.image;
    if (!s.command.empty()) out += " (" + join(s.command, " ") + ")";
    if (!s.kernel.empty()) out += " (Jupyter kernel " + s.kernel + ")";
    size_t inlines = s.steps.size() - s.cells.size();
    out += ": " + std::to_string(s.cells.size()) + (s.cells.size() == 1 ? " cell" : " cells");
    if (inlines) out += ", " + std::to_string(inlines) + (inlines == 1 ? " inline expression" : " inline expressions");
    std::vector<std::string> where;
    for (const auto& step : s.steps) {
      if (step.kind == SessionStep::Kind::Inline) {
        where.push_back("inline at line " + std::to_string(step.pos.line));
      } else {
        const std::string& label = d.cells[step.index].options.label;
        where.push_back("line " + std::to_string(step.pos.line) + (label.empty() ? "" : " " + label));
      }
    }
    out += " (" + join(where, ", ") + ")\n";
  }
  return out;
}

}  // namespace waybill::plan
