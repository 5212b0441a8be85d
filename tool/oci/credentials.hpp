#pragma once
// Registry credentials from the files people already have, read the way podman reads
// them: --authfile, $REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers/auth.json,
// ~/.config/containers/auth.json, ~/.docker/config.json ($DOCKER_CONFIG), ~/.dockercfg.
// All share one shape: {"auths": {"HOST": {"auth": base64("user:password")}}}.
// `waybill login` writes that shape too, with mode 0600.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace waybill::oci {

struct Credential {
  std::string username, password;
  std::filesystem::path file;  // where it was found, for messages
};

// The files searched, in order; `authfile` (a --authfile flag) first when given.
std::vector<std::filesystem::path> credential_files(const std::string& authfile = {});
std::optional<Credential> find_credential(const std::string& registry, const std::string& authfile = {});

// Where `waybill login` writes: --authfile, else $REGISTRY_AUTH_FILE, else
// ~/.config/containers/auth.json (podman reads it too, and it survives a reboot).
std::filesystem::path login_file(const std::string& authfile = {});
// Adds or replaces the registry's entry, keeping everything else in the file.
void save_credential(const std::filesystem::path& file, const std::string& registry, const std::string& username,
                     const std::string& password);
// Removes the registry's entry; false when there was none.
bool remove_credential(const std::filesystem::path& file, const std::string& registry);
// Removes every entry (logout --all); returns how many there were.
size_t remove_all_credentials(const std::filesystem::path& file);

}  // namespace waybill::oci
