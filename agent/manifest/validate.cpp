#include "manifest/validate.hpp"

#include <ostream>

#include "manifest/manifest.hpp"

namespace agent {

int run_validate(const std::string& path, std::ostream& out, std::ostream& err) {
    try {
        manifest m = load_manifest(path);
        out << "manifest OK: " << m.apps.size() << (m.apps.size() == 1 ? " app (" : " apps (");
        for (std::size_t i = 0; i < m.apps.size(); ++i) {
            out << (i == 0 ? "" : ", ") << m.apps[i].name;
        }
        out << ")\n";
        return 0;
    } catch (const manifest_error& e) {
        for (const auto& problem : e.problems()) {
            err << problem << '\n';
        }
        return 1;
    }
}

}  // namespace agent
