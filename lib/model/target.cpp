#include "model/target.hpp"

#include <algorithm>

namespace ncs {

std::string describe(const Device& device) {
    if (const auto* name = std::get_if<std::string>(&device)) {
        return *name;
    }
    return fmt::format("the device with MAC {}", std::get<MacAddress>(device));
}

void require_one_family(const IpAddress& local, const IpAddress& remote) {
    if (local.family() != remote.family()) {
        throw InputError(fmt::format("local IP {} and remote IP {} are of different families",
                                     local, remote),
                         "give a source address of the target's family");
    }
}

void validate(const Target& t) {
    if (const auto* name = t.device_name()) {
        if (name->empty()) {
            throw InputError("the device name is empty");
        }
        if (name->size() > k_max_ifname) {
            throw InputError(fmt::format("device name '{}' is longer than {} characters", *name,
                                         k_max_ifname),
                             "the kernel would silently truncate it");
        }
        if (*name == "." || *name == ".." ||
            name->find_first_of("/: \t\n") != std::string::npos) {
            throw InputError(fmt::format("'{}' is not a valid interface name", *name));
        }
    } else if (!t.device_mac()->is_unicast()) {
        throw InputError(fmt::format("device MAC {} is not a unicast address", *t.device_mac()),
                         "no device can own a zero, multicast or broadcast MAC");
    }
    if (t.remote_ip.is_unspecified()) {
        throw InputError("the remote IP is unspecified",
                         "the kernel would send to 0.0.0.0; give the doctor's address");
    }
    if (t.local_ip) {
        require_one_family(*t.local_ip, t.remote_ip);
    }
    if (t.release && !t.extended) {
        throw InputError("release needs extended mode",
                         fmt::format("add {} (the '+' prefix)", mention(Field::extended)));
    }
    for (const auto& entry : t.userdata) {
        if (entry.key.empty() || entry.key.size() > k_max_userdata_key ||
            entry.key == "." || entry.key == ".." || entry.key.find('/') != std::string::npos) {
            throw InputError(fmt::format("userdata key '{}' is invalid", entry.key),
                             fmt::format("a key has 1 to {} characters and no '/'",
                                         k_max_userdata_key));
        }
        if (entry.value.size() > k_max_userdata_value ||
            entry.value.find('\n') != std::string::npos) {
            throw InputError(fmt::format("userdata value for '{}' is invalid", entry.key),
                             fmt::format("a value has at most {} bytes and no newline",
                                         k_max_userdata_value));
        }
    }
}

std::string release_needs_newer_kernel() {
    return needs_linux("release ('r')", added_in::release);
}

std::string device_by_mac_needs_newer_kernel() {
    return needs_linux("choosing the device by MAC", added_in::device_by_mac);
}

void require_boot_features(const Target& t, std::string_view release) {
    const auto version = parse_kernel_version(release);
    if (!version) {
        return;
    }
    if (t.release && *version < added_in::release) {
        throw InputError(fmt::format("Linux {} cannot parse the release prefix: {}", release,
                                     release_needs_newer_kernel()),
                         fmt::format("drop {}, or give {} the release that boots",
                                     mention(Field::release), mention(Field::kernel_release)));
    }
    // A MAC before 6.15 is not refused: distributions backport it (Debian's 6.12 binds
    // by MAC, the vm tier's detect case), and the version cannot tell. device_by_mac_on
    // warns instead.
}

std::optional<Warning> device_by_mac_on(const Target& t, std::string_view release) {
    const auto* mac = t.device_mac();
    const auto version = parse_kernel_version(release);
    if (mac == nullptr || !version || *version >= added_in::device_by_mac) {
        return std::nullopt;
    }
    return Warning{fmt::format("Linux {} is older than {}, which brought choosing the device by "
                               "MAC: unless it has it backported (Debian's 6.12 has), it takes {} "
                               "as an interface name and sends nothing",
                               release, to_string(added_in::device_by_mac), *mac),
                   fmt::format("give {} the interface's name if its name is stable",
                               mention(Field::device)),
                   Warning::Kind::needs_newer_kernel};
}

std::vector<Warning> check(const Target& t) {
    std::vector<Warning> warnings;
    if (t.release) {
        warnings.push_back({release_needs_newer_kernel(), {}, Warning::Kind::needs_newer_kernel});
    }
    if (t.device_mac()) {
        warnings.push_back({device_by_mac_needs_newer_kernel(), {}, Warning::Kind::needs_newer_kernel});
    }
    if (!t.userdata.empty()) {
        warnings.push_back({needs_linux("userdata", added_in::userdata), {}, Warning::Kind::needs_newer_kernel});
    }
    if (t.sysdata.msgid) {
        warnings.push_back({needs_linux("sysdata msgid", added_in::msgid), {}, Warning::Kind::needs_newer_kernel});
    } else if (t.sysdata.any()) {
        warnings.push_back({needs_linux("sysdata", added_in::sysdata), {}, Warning::Kind::needs_newer_kernel});
    }
    if ((!t.userdata.empty() || t.sysdata.any()) && !t.extended) {
        warnings.push_back({"userdata and sysdata are only sent by extended targets",
                            fmt::format("add {}", mention(Field::extended)),
                            Warning::Kind::not_extended});
    }
    if (t.local_ip && t.local_ip->is_v6()) {
        // Linux up to 7.0 tests only the first 32 bits of the source for "unset",
        // so such a source is replaced by the device's first address.
        const auto b = t.local_ip->bytes();
        if (std::all_of(b.begin(), b.begin() + 4, [](auto x) { return x == 0; })) {
            warnings.push_back(
                {fmt::format("Linux up to 7.0 ignores the source {} and picks the device's "
                             "address, because its first 32 bits are zero",
                             *t.local_ip),
                 {}});
        }
    }
    if (t.remote_mac.is_broadcast()) {
        warnings.push_back({"the remote MAC is broadcast: this only reaches a doctor on the "
                            "same link, and floods it",
                            {}});
    } else if (!t.remote_mac.is_unicast()) {
        warnings.push_back(
            {fmt::format("the remote MAC {} is not a unicast address", t.remote_mac), {}});
    }
    return warnings;
}

} // namespace ncs
