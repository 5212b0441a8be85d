#pragma once
// A Jupyter kernelspec (kernel.json) as found in an image. The image is the document's,
// so the file is untrusted: its size, types and strings are checked, and only argv, env,
// interrupt_mode and language are read.
#include <map>
#include <string>
#include <vector>

namespace waybill::exec {

struct Kernelspec {
  std::string name;
  std::string resource_dir;               // the kernelspec's folder in the image
  std::vector<std::string> argv;          // with {connection_file} and {resource_dir} in place
  std::vector<std::string> env;           // "K=V"
  bool interrupt_by_message = false;      // interrupt_mode: message (else a SIGINT)
  std::string language;
};

// The shell script that prints, inside the image, the folder and then the content of the
// kernelspec named by its first argument, searching where Jupyter does; exit status 3
// when there is none. Run as `sh -c SCRIPT sh NAME`.
const char* kernelspec_lookup_script();

// Reads the lookup script's output. Throws Error(Document) saying what is wrong with the
// kernelspec (or that the image has none, with the packages that provide one).
Kernelspec parse_kernelspec(const std::string& name, const std::string& lookup_output, const std::string& connection_file);

}  // namespace waybill::exec
