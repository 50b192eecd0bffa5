#pragma once
// A record-and-assert fake of netconsole's configfs (ninja's VirtualFileSystem
// style), for the apply logic's unit tests only: a plain directory cannot answer
// as the kernel does. It keeps the kernel's rules that the logic must respect
// (shared/reference/kernel-netconsole.md §2.2-§2.5): EINVAL for a write while
// enabled and for writing `enabled` its current value, ≤6.16's one-way switch
// to IPv6, the sticky auto-picked local_ip, rmdir refused while userdata keys
// exist, enable failing with a chosen errno per device. The real behaviour is
// proved in the vm tier.

#include "model/ip_address.hpp"
#include "model/mac_address.hpp"
#include "system/configfs.hpp"
#include "system/writer_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>
#include <map>
#include <set>
#include <string>
#include <system_error>
#include <vector>

namespace ncs::test {

class FakeConfigfs final : public ConfigfsFiles {
public:
    static inline const std::filesystem::path k_dir = "/cfg/netconsole";

    /// Which optional attributes a new target shows.
    ConfigfsFeatures features{.release = true, .userdata = true};
    /// Devices that exist, with their first IPv4 address (for the sticky pick).
    std::map<std::string, std::string> devices{{"eth0", "192.0.2.10"}};
    /// Devices whose enable fails, with the errno (524 = ENOTSUPP for a veth).
    std::map<std::string, int> refusing{{"veth0", 524}};
    /// Attribute paths (relative to k_dir) whose next write fails, with the errno.
    std::map<std::string, int> fail_write;
    /// Every mutating call: "mkdir t", "rmdir t/userdata/k", "write t/remote_port 6667".
    std::vector<std::string> log;
    /// When set, hold_writers() takes the real WriterLock under this root, and every
    /// mutating call made while nobody holds that lock is counted in unlocked_changes.
    std::optional<Root> lock_root;
    int unlocked_changes = 0;

    FakeConfigfs() { m_dirs.insert(k_dir.string()); }

    /// A boot-time target (cmdlineN) that mkdir attaches to, enabled.
    void add_boot_target(const std::string& name, const std::map<std::string, std::string>& values) {
        m_boot[name] = values;
    }

    /// Every directory and attribute, for "exactly as before" comparisons.
    std::map<std::string, std::string> snapshot() const {
        auto all = m_files;
        for (const auto& dir : m_dirs) {
            all[dir + "/"] = "";
        }
        return all;
    }

    /// Makes dir (an absolute path: "/cfg" for configfs itself) appear or go away, as
    /// loading or mounting does; for the kernel-preparation tests.
    void set_directory(const std::filesystem::path& dir, bool present) {
        if (present) {
            m_dirs.insert(dir.string());
        } else {
            m_dirs.erase(dir.string());
        }
    }

    std::string value(const std::string& relative) const {
        return m_files.at((k_dir / relative).string());
    }
    void set(const std::string& relative, const std::string& text) {
        m_files[(k_dir / relative).string()] = text;
    }

    bool exists(const std::filesystem::path& path) const override {
        return m_dirs.count(path.string()) != 0 || m_files.count(path.string()) != 0;
    }
    bool is_directory(const std::filesystem::path& path) const override {
        return m_dirs.count(path.string()) != 0;
    }
    std::vector<std::string> subdirectories(const std::filesystem::path& dir) const override {
        std::vector<std::string> names;
        for (const auto& d : m_dirs) {
            const std::filesystem::path p(d);
            if (p.parent_path() == dir) {
                names.push_back(p.filename().string());
            }
        }
        return names; // std::set order: sorted
    }
    std::string read(const std::filesystem::path& file) const override {
        const auto it = m_files.find(file.string());
        if (it == m_files.end()) {
            throw std::system_error(ENOENT, std::generic_category(), "read " + file.string());
        }
        return it->second + "\n";
    }

    std::optional<WriterLock> hold_writers() override {
        if (!lock_root) {
            return std::nullopt;
        }
        return std::optional<WriterLock>(std::in_place, *lock_root);
    }

    void make_directory(const std::filesystem::path& dir) override {
        count_unlocked();
        log.push_back("mkdir " + relative(dir));
        if (exists(dir)) {
            fail(EEXIST, dir);
        }
        const auto parent = dir.parent_path();
        if (parent == k_dir) {
            create_target(dir);
        } else if (parent.filename() == "userdata" && is_directory(parent)) {
            m_dirs.insert(dir.string());
            m_files[(dir / "value").string()] = "";
        } else {
            fail(EPERM, dir);
        }
    }

    void remove_directory(const std::filesystem::path& dir) override {
        count_unlocked();
        log.push_back("rmdir " + relative(dir));
        if (!is_directory(dir)) {
            fail(ENOENT, dir);
        }
        if (dir.parent_path() == k_dir && !subdirectories(dir / "userdata").empty()) {
            fail(ENOTEMPTY, dir); // configfs: child groups first
        }
        const auto prefix = dir.string() + "/";
        for (auto it = m_files.begin(); it != m_files.end();) {
            it = it->first.rfind(prefix, 0) == 0 ? m_files.erase(it) : std::next(it);
        }
        for (auto it = m_dirs.begin(); it != m_dirs.end();) {
            it = it->rfind(prefix, 0) == 0 ? m_dirs.erase(it) : std::next(it);
        }
        m_dirs.erase(dir.string());
    }

    void write(const std::filesystem::path& file, std::string_view text) override {
        std::string value(text);
        if (!value.empty() && value.back() == '\n') {
            value.pop_back();
        }
        count_unlocked();
        log.push_back("write " + relative(file) + " " + value);
        if (const auto it = fail_write.find(relative(file)); it != fail_write.end()) {
            const int code = it->second;
            fail_write.erase(it);
            fail(code, file);
        }
        if (m_files.count(file.string()) == 0) {
            fail(ENOENT, file);
        }
        const auto attribute = file.filename().string();
        auto target = file.parent_path();
        const bool in_userdata = target.filename() == "userdata" ||
                                 target.parent_path().filename() == "userdata";
        if (in_userdata) { // allowed while enabled
            m_files[file.string()] = value;
            return;
        }
        const auto get = [&](const char* name) -> std::string& {
            return m_files[(target / name).string()];
        };
        const bool enabled = get("enabled") == "1";
        if (attribute == "enabled") {
            if (value != "0" && value != "1") {
                fail(EINVAL, file);
            }
            if ((value == "1") == enabled) {
                fail(EINVAL, file); // "network logging has already started/stopped"
            }
            if (value == "1") {
                const auto dev = get("dev_name");
                if (const auto r = refusing.find(dev); r != refusing.end()) {
                    fail(r->second, file);
                }
                const auto d = devices.find(dev);
                if (d == devices.end()) {
                    fail(ENODEV, file);
                }
                if (get("local_ip") == "0.0.0.0") {
                    get("local_ip") = d->second; // sticky: stays after disable
                }
            }
            get("enabled") = value;
            return;
        }
        if (enabled) {
            fail(EINVAL, file); // "disable to update parameters"
        }
        if (attribute == "remote_ip" || attribute == "local_ip") {
            const auto ip = IpAddress::try_parse(value);
            if (!ip) {
                fail(EINVAL, file);
            }
            if (ip->is_v4() && m_ipv6.count(target.string()) != 0) {
                fail(EINVAL, file); // ≤6.16: no way back from IPv6
            }
            if (ip->is_v6()) {
                m_ipv6.insert(target.string());
            }
            m_files[file.string()] = ip->to_string();
            return;
        }
        if (attribute == "remote_mac") {
            const auto mac = MacAddress::try_parse(value);
            if (!mac) {
                fail(EINVAL, file);
            }
            m_files[file.string()] = mac->to_string();
            return;
        }
        m_files[file.string()] = value;
    }

private:
    std::set<std::string> m_dirs;
    std::map<std::string, std::string> m_files;
    std::set<std::string> m_ipv6;
    std::map<std::string, std::map<std::string, std::string>> m_boot;

    /// Whether lock_root's lock is free, tried through a file description of its own
    /// (flock(2) is per open file description, so a hold of this thread conflicts).
    void count_unlocked() {
        if (!lock_root) {
            return;
        }
        const UniqueFd fd = lock_root->open(k_writer_lock_path, O_RDWR);
        if (!fd || ::flock(fd.get(), LOCK_EX | LOCK_NB) == 0) {
            ++unlocked_changes; // no file yet, or nobody held it
        }
    }

    static std::string relative(const std::filesystem::path& path) {
        return path.lexically_relative(k_dir).string();
    }
    [[noreturn]] static void fail(int code, const std::filesystem::path& path) {
        throw std::system_error(code, std::generic_category(), path.string());
    }

    void create_target(const std::filesystem::path& dir) {
        std::map<std::string, std::string> values{
            {"enabled", "0"},           {"extended", "0"},
            {"dev_name", "eth0"},       {"local_port", "6665"},
            {"remote_port", "6666"},    {"local_ip", "0.0.0.0"},
            {"remote_ip", "0.0.0.0"},   {"local_mac", "ff:ff:ff:ff:ff:ff"},
            {"remote_mac", "ff:ff:ff:ff:ff:ff"}};
        if (features.release) {
            values["release"] = "0";
        }
        if (features.transmit_errors) {
            values["transmit_errors"] = "0";
        }
        if (const auto boot = m_boot.find(dir.filename().string()); boot != m_boot.end()) {
            for (const auto& [k, v] : boot->second) {
                values[k] = v;
            }
            m_boot.erase(boot);
        }
        m_dirs.insert(dir.string());
        for (const auto& [k, v] : values) {
            m_files[(dir / k).string()] = v;
        }
        if (features.userdata) {
            m_dirs.insert((dir / "userdata").string());
            for (const auto& s : k_sysdata_switches) {
                if (features.*s.feature) {
                    m_files[(dir / "userdata" / std::string(s.file)).string()] = "0";
                }
            }
        }
    }
};

} // namespace ncs::test
