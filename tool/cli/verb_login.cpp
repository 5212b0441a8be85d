// waybill login / logout: registry credentials, in the auth.json format podman and
// Docker read. The password comes from --password-stdin, -p, or a prompt that does not
// echo it.
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cli/verbs.hpp"
#include "oci/module_api.hpp"
#include "util/strings.hpp"

namespace waybill::cli {

namespace {

std::string prompt(const std::string& question, bool echo) {
  if (!::isatty(STDIN_FILENO))
    throw Error(ErrorKind::Usage, "no " + question + " given, and there is no terminal to ask on", {},
                "use -u USER and --password-stdin (or -p PASSWORD)");
  std::fprintf(stderr, "%s: ", question.c_str());
  std::fflush(stderr);
  termios before{};
  bool hide = !echo && ::tcgetattr(STDIN_FILENO, &before) == 0;
  if (hide) {
    termios quiet = before;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (hide) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &before);
    std::fputc('\n', stderr);
  }
  return line;
}

}  // namespace

VerbRunner add_login(CLI::App& sub, GlobalOptions& global) {
  auto req = std::make_shared<ImageRequest>();
  auto from_stdin = std::make_shared<bool>(false);
  req->verb = ImageRequest::Verb::Login;
  sub.description("Log in to a registry: the credentials are checked, then saved (mode 0600) where podman and "
                  "waybill read them.");
  sub.add_option("registry", req->args, "The registry: HOST[:PORT]")->required()->expected(1);
  sub.add_option("-u,--username", req->username, "User name (asked for when not given)");
  sub.add_option("-p,--password", req->password, "Password (visible to other users in the process list: prefer "
                                                 "--password-stdin)");
  sub.add_flag("--password-stdin", *from_stdin, "Read the password from standard input");
  sub.add_option("--authfile", req->authfile,
                 "The file to write (default: $REGISTRY_AUTH_FILE, else ~/.config/containers/auth.json)");
  return [req, from_stdin, &global]() -> int {
    try {
      if (req->username.empty()) req->username = prompt("Username", true);
      if (*from_stdin) {
        std::getline(std::cin, req->password);
        req->password = std::string(trim_right(req->password));
      } else if (req->password.empty()) {
        req->password = prompt("Password", false);
      }
      if (req->username.empty() || req->password.empty())
        throw Error(ErrorKind::Usage, "a user name and a password are both needed");
      return run_image(*req, global);
    } catch (const Error& e) {
      return report_error(e, global);
    }
  };
}

VerbRunner add_logout(CLI::App& sub, GlobalOptions& global) {
  auto req = std::make_shared<ImageRequest>();
  req->verb = ImageRequest::Verb::Logout;
  sub.description("Remove a registry's saved credentials.");
  sub.add_option("registry", req->args, "The registry: HOST[:PORT]")->expected(0, 1);
  sub.add_flag("-a,--all", req->all, "Remove the credentials of every registry");
  sub.add_option("--authfile", req->authfile,
                 "The file to change (default: $REGISTRY_AUTH_FILE, else ~/.config/containers/auth.json)");
  return [req, &global]() -> int {
    if (req->args.empty() && !req->all)
      return report_error(Error(ErrorKind::Usage, "which registry?", {}, "waybill logout HOST, or --all"), global);
    return run_image(*req, global);
  };
}

}  // namespace waybill::cli
