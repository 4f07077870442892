#include "core/config_docs.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "core/config.h"

using authd::config_man_options;
using authd::config_template;
using authd::describe_config;
using authd::option_docs;
using authd::parse_config;

// The packaged file changes nothing: it parses to exactly the defaults.
TEST(ConfigDocs, TemplateParsesToTheDefaults) {
    auto from_template = parse_config(config_template(), "authd.conf");
    ASSERT_TRUE(from_template) << from_template.error().detail;
    auto defaults = parse_config("", "empty");
    ASSERT_TRUE(defaults);
    EXPECT_EQ(describe_config(*from_template), describe_config(*defaults));
}

// Uncommenting every `#key = default` line gives a file that still parses
// to the defaults: each line names a real key in its real section.
TEST(ConfigDocs, EveryTemplateLineUncommentedIsTheDefault) {
    std::istringstream lines(config_template());
    std::string uncommented;
    int settings = 0;
    for (std::string line; std::getline(lines, line);) {
        if (line.size() > 1 && line[0] == '#' && line[1] != ' ' &&
            line.find(" =") != std::string::npos) {
            line.erase(0, 1);
            ++settings;
        }
        uncommented += line + "\n";
    }
    EXPECT_EQ(settings, static_cast<int>(option_docs().size()));
    auto parsed = parse_config(uncommented, "uncommented");
    ASSERT_TRUE(parsed) << parsed.error().detail;
    EXPECT_EQ(describe_config(*parsed), describe_config(*parse_config("", "empty")));
}

TEST(ConfigDocs, TemplateAndManPageNameEveryOption) {
    const std::string conf = config_template();
    const std::string man = config_man_options();
    for (const auto& o : option_docs()) {
        const std::string key(o.key);
        EXPECT_NE(conf.find("\n#" + key + " ="), std::string::npos) << key;
        EXPECT_NE(man.find(".TP\n\\fB" + key + "\\fR = "), std::string::npos) << key;
        EXPECT_NE(man.find(".SS [" + std::string(o.section) + "]"), std::string::npos) << key;
    }
}

TEST(ConfigDocs, ManPageEscapesBackslashesAndStartsNoLineWithAControl) {
    std::istringstream lines(config_man_options());
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with(".TP") || line.starts_with(".SS")) continue;
        EXPECT_FALSE(line.starts_with(".") || line.starts_with("'")) << line;
    }
}
