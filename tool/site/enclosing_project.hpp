#pragma once
// The projects documents belong to (driver/project_lookup.hpp): the nearest folder above
// a document with a waybill.yml, when the document is one of its pages. Render, check
// and build -f then see the page as `waybill site` does.
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "driver/page_context.hpp"
#include "driver/project_lookup.hpp"
#include "plan/trust.hpp"
#include "site/project.hpp"

namespace waybill::site {

class EnclosingProjects : public driver::ProjectLookup {
 public:
  explicit EnclosingProjects(plan::Grants grants) : grants_(std::move(grants)) {}

  driver::PageContext* page_for(const std::filesystem::path& file, Reporter& reporter) override;
  void prepare_images(driver::PageContext& page, const plan::Plan& plan, const exec::RunPolicy& policy,
                      Reporter& reporter) override;

 private:
  struct Found {
    Project project;
    driver::PageContext context;
    std::set<std::string> packed;  // data images packed in this process
  };
  Found* load(const std::filesystem::path& dir, Reporter& reporter);

  plan::Grants grants_;
  std::map<std::filesystem::path, std::unique_ptr<Found>> projects_;  // by folder
};

}  // namespace waybill::site
