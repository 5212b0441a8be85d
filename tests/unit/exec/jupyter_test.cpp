// The Jupyter protocol's pieces that need no kernel: the signed wire format, kernelspecs
// read from an image, and what a kernel publishes turned into a cell's outputs.
#include <catch2/catch.hpp>

#include "exec/jupyter_wire.hpp"
#include "exec/kernel_outputs.hpp"
#include "exec/kernelspec.hpp"
#include "exec/nbformat_outputs.hpp"
#include "util/error.hpp"

using namespace waybill;
using namespace waybill::exec;
using nlohmann::json;

namespace {

// A kernel's reply to `request`, framed as a ROUTER socket delivers it to a DEALER.
std::vector<std::string> reply_frames(const MessageSigner& signer, const std::string& type, const std::string& parent,
                                      const json& content) {
  std::vector<std::string> frames = encode_message(signer, "kernel-session", type, "m1", content);
  json parent_header = {{"msg_id", parent}};
  frames[3] = parent_header.dump();
  frames[1] = signer.sign({frames[2], frames[3], frames[4], frames[5]});
  return frames;
}

std::string violation(const MessageSigner& signer, const std::vector<std::string>& frames, uint64_t max = 1 << 20) {
  try {
    decode_message(signer, frames, max);
  } catch (const ProtocolViolation& v) {
    return v.why;
  }
  return "";
}

KernelMessage message(const std::string& type, const json& content) {
  KernelMessage m;
  m.header = {{"msg_type", type}};
  m.content = content;
  return m;
}

}  // namespace

TEST_CASE("messages are signed with HMAC-SHA256 and read back") {
  MessageSigner signer("secret-key");
  // RFC 4231's second test case: key "Jefe".
  CHECK(MessageSigner("Jefe").sign({"what do ya want ", "for nothing?"}) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  auto frames = encode_message(signer, "s1", "execute_request", "id-1", {{"code", "1+1"}});
  REQUIRE(frames.size() == 6);
  CHECK(frames[0] == "<IDS|MSG>");
  KernelMessage m = decode_message(signer, frames, 1 << 20);
  CHECK(m.type() == "execute_request");
  CHECK(m.id() == "id-1");
  CHECK(m.header["version"] == "5.3");
  CHECK(m.header["session"] == "s1");
  CHECK(m.content["code"] == "1+1");
  // A SUB socket's topic and a ROUTER's identities come before the delimiter.
  frames.insert(frames.begin(), "kernel.abc.status");
  CHECK(decode_message(signer, frames, 1 << 20).type() == "execute_request");
  auto reply = reply_frames(signer, "execute_reply", "id-1", {{"status", "ok"}});
  CHECK(decode_message(signer, reply, 1 << 20).parent_id() == "id-1");
  CHECK(random_hex(16).size() == 32);
  CHECK(random_hex(16) != random_hex(16));
}

TEST_CASE("what a kernel sends is refused when forged, broken or too large") {
  MessageSigner signer("k");
  auto good = reply_frames(signer, "stream", "p", {{"name", "stdout"}, {"text", "hi"}});
  auto forged = good;
  forged[5] = json{{"name", "stdout"}, {"text", "forged"}}.dump();
  CHECK(violation(signer, forged) == "sent a message whose signature is wrong");
  CHECK(violation(MessageSigner("other"), good) == "sent a message whose signature is wrong");
  CHECK(violation(signer, {"a", "b"}) == "sent a message with no <IDS|MSG> delimiter");
  CHECK(violation(signer, {"<IDS|MSG>", "sig", "{}"}) == "sent a message with parts missing");
  CHECK(violation(signer, good, 20).find("more than its cell may put out") != std::string::npos);
  auto array = good;
  array[5] = "[1]";
  array[1] = signer.sign({array[2], array[3], array[4], array[5]});
  CHECK(violation(signer, array) == "sent a message's content waybill cannot read (not a JSON object)");
  auto deep = good;
  deep[5] = "{\"a\":" + std::string(100, '[') + std::string(100, ']') + "}";
  deep[1] = signer.sign({deep[2], deep[3], deep[4], deep[5]});
  CHECK(violation(signer, deep).find("nested more than 64 levels") != std::string::npos);
  auto untyped = good;
  untyped[2] = "{\"msg_type\": 3}";
  untyped[1] = signer.sign({untyped[2], untyped[3], untyped[4], untyped[5]});
  CHECK(violation(signer, untyped) == "sent a message with no msg_type");
}

TEST_CASE("the connection file names five ports, the key and the scheme") {
  json c = connection_file("127.0.0.1", {1, 2, 3, 4, 5}, "abc", "python3");
  CHECK(c["shell_port"] == 1);
  CHECK(c["iopub_port"] == 2);
  CHECK(c["stdin_port"] == 3);
  CHECK(c["control_port"] == 4);
  CHECK(c["hb_port"] == 5);
  CHECK(c["transport"] == "tcp");
  CHECK(c["signature_scheme"] == "hmac-sha256");
  CHECK(c["key"] == "abc");
}

TEST_CASE("a kernelspec from the image: argv with the connection file, env, interrupt mode") {
  // Debian's python3-ipykernel and r-cran-irkernel install these.
  Kernelspec py = parse_kernelspec("python3",
                                   "/usr/share/jupyter/kernels/python3\n"
                                   "{\"argv\": [\"/usr/bin/python3\", \"-m\", \"ipykernel_launcher\", \"-f\", "
                                   "\"{connection_file}\"], \"display_name\": \"Python 3 (ipykernel)\", "
                                   "\"language\": \"python\", \"metadata\": {\"debugger\": true}}",
                                   "/waybill/kernel/connection.json");
  CHECK(py.argv == std::vector<std::string>{"/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "/waybill/kernel/connection.json"});
  CHECK(py.language == "python");
  CHECK_FALSE(py.interrupt_by_message);
  Kernelspec ir = parse_kernelspec("ir",
                                   "/usr/share/jupyter/kernels/ir\n"
                                   "{\"argv\": [\"R\", \"--slave\", \"-e\", \"IRkernel::main()\", \"--args\", "
                                   "\"{connection_file}\"], \"display_name\": \"R\", \"language\": \"R\", "
                                   "\"interrupt_mode\": \"message\", \"env\": {\"A\": \"1\"}, "
                                   "\"x\": \"{resource_dir}\"}",
                                   "/c.json");
  CHECK(ir.argv.back() == "/c.json");
  CHECK(ir.interrupt_by_message);
  CHECK(ir.env == std::vector<std::string>{"A=1"});
  CHECK(ir.resource_dir == "/usr/share/jupyter/kernels/ir");
  auto message = [](const std::string& text) {
    try {
      parse_kernelspec("k", text, "/c.json");
    } catch (const Error& e) {
      return e.message();
    }
    return std::string();
  };
  CHECK(message("/k\n{\"argv\": \"python3\"}") == "the image's Jupyter kernelspec `k` has no argv list");
  CHECK(message("/k\n{\"argv\": [\"python3\"]}") == "the image's Jupyter kernelspec `k` has no {connection_file} in its argv");
  CHECK(message("/k\n{\"argv\": [1, \"{connection_file}\"]}") ==
        "the image's Jupyter kernelspec `k` has an argv entry that is not a string");
  CHECK(message("/k\n{\"argv\": [\"{connection_file}\"], \"env\": {\"A=B\": \"1\"}}") ==
        "the image's Jupyter kernelspec `k` has an env entry that is not NAME: text");
  CHECK(message("/k\n[]") == "the image's Jupyter kernelspec `k` is waybill cannot read (not a JSON object)");
  CHECK(message("no folder") == "the image's Jupyter kernelspec `k` could not be read");
}

TEST_CASE("a kernel's published outputs: streams joined, displays updated, output cleared") {
  KernelOutputLog log;
  log.add(message("status", {{"execution_state", "busy"}}));
  log.add(message("stream", {{"name", "stdout"}, {"text", "a"}}));
  log.add(message("stream", {{"name", "stdout"}, {"text", "b\n"}}));
  log.add(message("display_data", {{"data", {{"text/plain", "first"}}}, {"transient", {{"display_id", "d1"}}}}));
  log.add(message("update_display_data", {{"data", {{"text/plain", "second"}}}, {"transient", {{"display_id", "d1"}}}}));
  log.add(message("update_display_data", {{"data", {{"text/plain", "nobody"}}}, {"transient", {{"display_id", "zz"}}}}));
  log.add(message("execute_result", {{"data", {{"text/markdown", "*md*"}, {"application/json", {{"a", 1}}}}}}));
  REQUIRE(log.outputs().size() == 3);
  CHECK(log.outputs()[0]["text"] == "ab\n");
  CHECK(log.outputs()[1]["data"]["text/plain"] == "second");
  CellResult r = result_from_nbformat(log.outputs());
  REQUIRE(r.outputs.size() == 3);
  CHECK(r.outputs[2].data.at("text/markdown") == "*md*");
  CHECK(r.outputs[2].data.at("application/json") == "{\n \"a\": 1\n}");

  log.add(message("clear_output", {{"wait", true}}));
  CHECK(log.outputs().size() == 3);  // until the next output
  log.add(message("stream", {{"name", "stderr"}, {"text", "late"}}));
  REQUIRE(log.outputs().size() == 1);
  CHECK(log.outputs()[0]["name"] == "stderr");
  log.add(message("clear_output", {{"wait", false}}));
  CHECK(log.outputs().empty());
  // Fields of the wrong type are read as missing, not trusted.
  log.add(message("stream", {{"name", 3}, {"text", {1}}}));
  log.add(message("error", {{"ename", 1}, {"evalue", "v"}, {"traceback", "not a list"}}));
  CHECK(log.outputs()[0]["name"] == "stdout");
  CHECK(log.outputs()[1]["ename"] == "Error");
}

TEST_CASE("images are figures; an image's text stand-in is dropped; errors keep their line") {
  json outputs = json::array({{{"output_type", "display_data"},
                               {"data", {{"image/png", "iVBORw0KGgo=\n"}, {"text/plain", "<Figure size 640x480 with 1 Axes>"}}}},
                              {{"output_type", "display_data"}, {"data", {{"image/svg+xml", "<svg/>"}}}},
                              {{"output_type", "error"},
                               {"ename", "ZeroDivisionError"},
                               {"evalue", "division by zero"},
                               {"traceback", {"\x1b[0;31mZeroDivisionError\x1b[0m", "Cell \x1b[0;32mIn [3], line 2\x1b[0m"}}}});
  CellResult r = result_from_nbformat(outputs);
  REQUIRE(r.outputs.size() == 2);
  CHECK(r.outputs[0].kind == OutputKind::Figure);
  CHECK(r.outputs[0].format == "png");
  CHECK(r.outputs[0].base64 == "iVBORw0KGgo=");
  CHECK(r.outputs[1].format == "svg");
  REQUIRE(r.error);
  CHECK(r.error->traceback == "ZeroDivisionError\nCell In [3], line 2\n");
  CHECK(KernelOutputLog::traceback_line(outputs[2]) == 2);
  CHECK(KernelOutputLog::traceback_line(json{{"traceback", {"Cell In[12], line 7", "Cell In[12], line 9"}}}) == 9);
  CHECK(KernelOutputLog::traceback_line(json{{"traceback", "x"}}) == 0);
}
