#include "prov/signing.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

#include "plan/cache_key.hpp"
#include "util/base64.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace waybill::prov {

namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Bio = std::unique_ptr<BIO, BioFree>;

// OpenSSL's last error as text, and the queue cleared.
std::string openssl_error() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

Bio memory_bio() {
  Bio b(BIO_new(BIO_s_mem()));
  if (!b) throw Error(ErrorKind::Internal, "OpenSSL: " + openssl_error());
  return b;
}

std::string bio_text(BIO* b) {
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  return std::string(data, static_cast<size_t>(n));
}

// A PEM key file: a private key (PKCS#8), or a public key when `want_private` is false.
// A private key file also serves where a public key is wanted.
Pkey load_key(const std::filesystem::path& file, bool want_private) {
  std::string pem = read_file(file);
  Bio b(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!b) throw Error(ErrorKind::Internal, "OpenSSL: " + openssl_error());
  EVP_PKEY* key = nullptr;
  bool is_private = pem.find("PRIVATE KEY-----") != std::string::npos;
  if (is_private) key = PEM_read_bio_PrivateKey(b.get(), nullptr, nullptr, nullptr);
  else if (!want_private) key = PEM_read_bio_PUBKEY(b.get(), nullptr, nullptr, nullptr);
  if (!key) {
    ERR_clear_error();
    if (want_private && !is_private)
      throw Error(ErrorKind::Usage, display_path(file) + " is not a private key", {},
                  "sign with the private half (waybill-key.pem), verify with the public one (waybill-key.pub.pem)");
    throw Error(ErrorKind::Usage, display_path(file) + " is not a PEM key", {},
                "make a key pair with `waybill key generate`");
  }
  Pkey owned(key);
  if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519)
    throw Error(ErrorKind::Usage, display_path(file) + " is not an Ed25519 key", {},
                "make a key pair with `waybill key generate`");
  return owned;
}

std::string public_der(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(key, &der);
  if (n <= 0) throw Error(ErrorKind::Internal, "OpenSSL: " + openssl_error());
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  return out;
}

std::string id_of(EVP_PKEY* key) { return "sha256:" + plan::sha256_hex(public_der(key)); }

// Writes `data` to a new file; refuses to replace one.
void write_new_file(const std::filesystem::path& path, const std::string& data, mode_t mode) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (!fd) {
    if (errno == EEXIST)
      throw Error(ErrorKind::Usage, display_path(path) + " already exists", {},
                  "keys are never overwritten: remove it, or give another prefix with -o");
    throw Error::from_errno("create", display_path(path), errno);
  }
  if (::fchmod(fd.get(), mode) != 0) throw Error::from_errno("chmod", display_path(path), errno);
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd.get(), data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error::from_errno("write", display_path(path), errno);
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd.get()) != 0) throw Error::from_errno("fsync", display_path(path), errno);
}

}  // namespace

KeyFiles generate_key_pair(const std::filesystem::path& prefix) {
  KeyFiles files{prefix.string() + ".pem", prefix.string() + ".pub.pem"};
  for (const auto& f : {files.private_key, files.public_key})
    if (std::filesystem::exists(f))
      throw Error(ErrorKind::Usage, display_path(f) + " already exists", {},
                  "keys are never overwritten: remove it, or give another prefix with -o");
  std::unique_ptr<EVP_PKEY_CTX, CtxFree> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0 || EVP_PKEY_keygen(ctx.get(), &raw) <= 0)
    throw Error(ErrorKind::Internal, "generating an Ed25519 key: " + openssl_error());
  Pkey key(raw);
  Bio priv = memory_bio(), pub = memory_bio();
  if (PEM_write_bio_PrivateKey(priv.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
      PEM_write_bio_PUBKEY(pub.get(), key.get()) != 1)
    throw Error(ErrorKind::Internal, "writing the key: " + openssl_error());
  write_new_file(files.private_key, bio_text(priv.get()), 0600);
  write_new_file(files.public_key, bio_text(pub.get()), 0644);
  return files;
}

std::string key_id(const std::filesystem::path& key_file) { return id_of(load_key(key_file, false).get()); }

std::string signing_key_id(const std::filesystem::path& private_key) { return id_of(load_key(private_key, true).get()); }

std::string pae(const std::string& payload_type, const std::string& payload) {
  return "DSSEv1 " + std::to_string(payload_type.size()) + " " + payload_type + " " + std::to_string(payload.size()) +
         " " + payload;
}

nlohmann::json sign_envelope(const std::string& payload, const std::filesystem::path& private_key) {
  Pkey key = load_key(private_key, true);
  std::string message = pae(kInTotoPayloadType, payload);
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> md(EVP_MD_CTX_new());
  size_t len = 0;
  auto data = reinterpret_cast<const unsigned char*>(message.data());
  if (!md || EVP_DigestSignInit(md.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(md.get(), nullptr, &len, data, message.size()) != 1)
    throw Error(ErrorKind::Internal, "signing: " + openssl_error());
  std::string sig(len, '\0');
  if (EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, data, message.size()) != 1)
    throw Error(ErrorKind::Internal, "signing: " + openssl_error());
  sig.resize(len);
  return {{"payloadType", kInTotoPayloadType},
          {"payload", base64_encode(payload)},
          {"signatures", {{{"keyid", id_of(key.get())}, {"sig", base64_encode(sig)}}}}};
}

bool is_envelope(const nlohmann::json& value) {
  return value.is_object() && value.contains("payload") && value.contains("signatures");
}

std::string open_envelope(const nlohmann::json& envelope, const std::filesystem::path& public_key) {
  auto text_field = [&](const nlohmann::json& obj, const char* name) -> std::string {
    auto it = obj.find(name);
    if (it == obj.end() || !it->is_string())
      throw Error(ErrorKind::Document, std::string("the envelope has no `") + name + "` string", {},
                  "a signed record is a DSSE envelope: payloadType, payload, signatures");
    return it->get<std::string>();
  };
  std::string type = text_field(envelope, "payloadType");
  auto payload = base64_decode(text_field(envelope, "payload"));
  if (!payload)
    throw Error(ErrorKind::Document, "the envelope's payload is not valid base64: the record was altered", {},
                "re-render with --sign to make a new record");
  const auto& sigs = envelope.at("signatures");
  if (!sigs.is_array() || sigs.empty())
    throw Error(ErrorKind::Document, "the envelope has no signatures", {}, "render with --sign KEY");
  Pkey key = load_key(public_key, false);
  std::string want = id_of(key.get());
  std::string message = pae(type, *payload);
  std::vector<std::string> others;
  for (const auto& s : sigs) {
    if (!s.is_object()) continue;
    std::string id = s.contains("keyid") && s["keyid"].is_string() ? s["keyid"].get<std::string>() : "";
    if (!id.empty() && id != want) {
      others.push_back(id);
      continue;
    }
    auto sig = base64_decode(text_field(s, "sig"));
    if (!sig)
      throw Error(ErrorKind::Document, "the signature is not valid base64: the record was altered", {},
                  "re-render with --sign to make a new record");
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> md(EVP_MD_CTX_new());
    if (!md || EVP_DigestVerifyInit(md.get(), nullptr, nullptr, nullptr, key.get()) != 1)
      throw Error(ErrorKind::Internal, "verifying: " + openssl_error());
    int ok = EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(sig->data()), sig->size(),
                              reinterpret_cast<const unsigned char*>(message.data()), message.size());
    ERR_clear_error();
    if (ok == 1) {
      if (type != kInTotoPayloadType)
        throw Error(ErrorKind::Document, "the signed payload is a `" + type + "`, not an in-toto statement");
      return *payload;
    }
    throw Error(ErrorKind::Document,
                "the signature does not match the record: its content or payload type changed after signing", {},
                "the record cannot be trusted; re-render with --sign to make a new one");
  }
  throw Error(ErrorKind::Document,
              "the record is signed by key " + (others.empty() ? std::string("(none)") : others.front()) +
                  ", not by " + display_path(public_key) + " (" + want + ")",
              {}, "verify with the public key of the pair that signed it");
}

}  // namespace waybill::prov
