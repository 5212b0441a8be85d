// waybill verify RECORD : a provenance record's signature, and its outputs' hashes.
#include <cstdio>

#include "modules/document_api.hpp"
#include "cli/verbs.hpp"
#include "util/fs.hpp"

namespace waybill::cli {

namespace {

struct VerifyFlags {
  std::string record, key;
  bool outputs = false;
};

}  // namespace

VerbRunner add_verify(CLI::App& sub, GlobalOptions& global) {
  auto flags = std::make_shared<VerifyFlags>();
  sub.description(
      "Check a provenance record (NAME.provenance.json): with --key, that it was signed by that key's pair and "
      "not changed since; with --outputs, that every file it lists (the page, figures, assets) still has the "
      "recorded sha256. Each mismatch is named: missing, truncated or changed.");
  sub.add_option("record", flags->record, "The record: NAME.provenance.json")->required()->check(CLI::ExistingFile);
  sub.add_option("--key", flags->key, "The public key to check the signature with (waybill-key.pub.pem)")
      ->type_name("PUB")
      ->check(CLI::ExistingFile);
  sub.add_flag("--outputs", flags->outputs, "Re-hash every output the record lists");
  return [flags, &global]() -> int {
    try {
      prov::VerifyRequest req;
      req.record = flags->record;
      if (!flags->key.empty()) req.public_key = flags->key;
      req.outputs = flags->outputs;
      prov::VerifyReport report = document_module::verify(req);
      std::string what = report.signed_record ? "signature good (key " + report.key_id.substr(0, 23) + "…)"
                                              : "not signed";
      std::string outs = flags->outputs ? ", " + std::to_string(report.subjects_checked) + " of " +
                                              std::to_string(report.subjects) + " outputs match"
                                        : ", " + std::to_string(report.subjects) + " outputs listed (not re-hashed; "
                                              "add --outputs)";
      if (!global.quiet) std::printf("%s: %s%s\n", display_path(flags->record).c_str(), what.c_str(), outs.c_str());
      return 0;
    } catch (const Error& e) {
      return report_error(e, global);
    }
  };
}

}  // namespace waybill::cli
