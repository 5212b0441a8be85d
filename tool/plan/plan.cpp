#include "plan/plan.hpp"

#include "util/error.hpp"
#include "util/strings.hpp"

namespace waybill::plan {

namespace {

// The image a cell runs in: its own `image` option, else the manifest's image for its
// language, else the front matter's `waybill: {image: ...}`, else the only image the
// document declares.
std::string image_for(const doc::Document& d, const Plan& plan, const doc::Cell& cell) {
  if (!cell.options.image.empty()) return cell.options.image;
  if (auto it = plan.manifest.languages.find(cell.language); it != plan.manifest.languages.end() && !it->second.image.empty())
    return it->second.image;
  if (const auto* settings = d.meta.waybill())
    if (const auto* image = settings->get("image"); image && image->is_scalar()) return image->scalar;
  if (plan.images.size() == 1) return plan.images[0].name;
  std::string names;
  for (const auto& i : plan.images) names += (names.empty() ? "" : ", ") + i.name;
  std::string label = cell.options.label.empty() ? "" : " '" + cell.options.label + "'";
  throw Error(ErrorKind::Document, "the " + cell.language + " cell" + label + " has no image to run in", d.loc(cell.fence),
              plan.images.empty() ? "declare one in a ```dockerfile {#name} block"
                                  : "choose one of " + names + " with `#| image: NAME`, or set languages." + cell.language +
                                        ".image in the manifest");
}

}  // namespace

const ImagePlan* Plan::image_block(const std::string& name) const {
  for (const auto& i : images)
    if (i.name == name) return &i;
  return nullptr;
}

Plan make_plan(const doc::Document& d) {
  Plan plan;
  if (d.manifest) plan.manifest = read_manifest(d.manifest->value, d.path);
  // Names are unique: the reader refuses a second block with the same name.
  for (const auto& block : d.images)
    plan.images.push_back(ImagePlan{block.name, block.dockerfile, block.first_line, d.loc(block.fence)});
  plan.cell_session.resize(d.cells.size());
  for (const auto& cell : d.cells) {
    if (!cell.options.eval) continue;
    std::string image = image_for(d, plan, cell);
    size_t index = plan.sessions.size();
    for (size_t s = 0; s < plan.sessions.size(); ++s)
      if (plan.sessions[s].image == image && plan.sessions[s].language == cell.language) index = s;
    if (index == plan.sessions.size()) {
      SessionPlan session{image, cell.language, {}, {}};
      if (auto it = plan.manifest.languages.find(cell.language); it != plan.manifest.languages.end())
        session.command = it->second.command;
      plan.sessions.push_back(std::move(session));
    }
    plan.sessions[index].cells.push_back(cell.index);
    plan.cell_session[cell.index] = index;
  }
  return plan;
}

std::string describe_plan(const Plan& plan, const doc::Document& d) {
  std::string out;
  for (const auto& i : plan.images) out += "image " + i.name + " (Dockerfile at " + i.loc.str() + ")\n";
  for (const auto& s : plan.sessions) {
    out += "session " + s.language + " in " + s.image;
    if (!s.command.empty()) out += " (" + join(s.command, " ") + ")";
    out += ": " + std::to_string(s.cells.size()) + (s.cells.size() == 1 ? " cell" : " cells");
    std::vector<std::string> where;
    for (size_t c : s.cells) where.push_back("line " + std::to_string(d.cells[c].fence.line));
    out += " (" + join(where, ", ") + ")\n";
  }
  return out;
}

}  // namespace waybill::plan
