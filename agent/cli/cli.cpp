#include "cli/cli.hpp"

#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/deploy_command.hpp"
#include "cli/doctor.hpp"
#include "cli/healthcheck_command.hpp"
#include "cli/serve.hpp"
#include "cli/settings.hpp"
#include "cli/token_command.hpp"
#include "common/log.hpp"
#include "intake/verify_signature.hpp"
#include "manifest/validate.hpp"

namespace agent {

namespace {

const char* env_or(const environment& env, const char* name, const char* fallback) {
    const char* v = env.get(name);
    return (v != nullptr && *v != '\0') ? v : fallback;
}

constexpr const char* description =
    "deploy-agent: redeploys Docker apps when signed webhooks arrive.\n"
    "It verifies GitHub (X-Hub-Signature-256) and Infisical (x-infisical-signature) deliveries\n"
    "over the raw bytes, maps them through a YAML manifest to allow-listed apps, answers at once\n"
    "(202), then pulls or restarts and recreates each app's container, rolling back when the new\n"
    "one is not healthy. Settings come from the environment (PORT, LISTEN_ADDRESS, MANIFEST_PATH,\n"
    "DATA_DIR, WEBHOOK_SECRET, INFISICAL_WEBHOOK_SECRET, ALLOW_UNSIGNED_WEBHOOKS, DOCKER_HOST or\n"
    "DOCKER_SOCK_PATH, LOG_LEVEL, LOG_FORMAT); flags override them.";

}  // namespace

int run_cli(const environment& env, int argc, char** argv) {
    return run_cli(env, argc, argv, {});
}

int run_cli(const environment& env, int argc, char** argv,
            recreate_step_hook before_recreate_step) {
    init_logging(env_or(env, "LOG_LEVEL", "info"), env_or(env, "LOG_FORMAT", "text"));

    agent_settings settings;
    try {
        settings = settings_from_environment(env);
        settings.before_recreate_step = std::move(before_recreate_step);
    } catch (const std::exception& e) {
        std::cerr << "deploy-agent: " << e.what() << "\n";
        return 2;
    }

    CLI::App app{description, "deploy-agent"};
    app.set_version_flag("--version", std::string("deploy-agent ") + DA_VERSION);
    app.require_subcommand(1);
    app.footer("Run 'deploy-agent COMMAND --help' for a command's options.");

    std::string listen;
    auto* serve = app.add_subcommand("serve", "Listen for webhooks and deploy (the sidecar's main mode)");
    serve->add_option("--manifest", settings.manifest_path, "The YAML manifest (MANIFEST_PATH)");
    serve->add_option("--listen", listen, "HOST:PORT to listen on (LISTEN_ADDRESS, PORT; default 0.0.0.0:9000)");
    serve->add_option("--data-dir", settings.data_dir, "Where the history is kept (DATA_DIR)");

    auto* validate = app.add_subcommand(
        "validate", "Check the manifest: exit 0, or exit 1 with FILE:LINE:COL: message per problem");
    validate->add_option("--manifest", settings.manifest_path, "The YAML manifest (MANIFEST_PATH)");

    std::string deploy_app;
    bool wait = false;
    auto* deploy = app.add_subcommand("deploy", "Deploy one app now, printing each step");
    deploy->add_option("APP", deploy_app, "The app's name in the manifest")->required();
    deploy->add_option("--manifest", settings.manifest_path, "The YAML manifest (MANIFEST_PATH)");
    deploy->add_flag("--wait", wait,
                     "Wait for the outcome and exit with it: 0 succeeded, 1 failed, "
                     "4 rolled back (the command always waits)");
    bool dry_run = false;
    deploy->add_flag("--dry-run", dry_run,
                     "Print the image it would pull and the config diff; touch nothing");
    deploy->add_option("--data-dir", settings.data_dir, "Where the history is kept (DATA_DIR)");

    verify_signature_args verify;
    auto* verify_cmd = app.add_subcommand(
        "verify-signature",
        "Check a delivery's signature offline and say exactly why it does or does not match");
    verify_cmd->add_option("--scheme", verify.scheme, "github, gitea (Gitea and Forgejo), gitlab or infisical")
        ->required()
        ->check(CLI::IsMember({"github", "gitea", "gitlab", "infisical"}));
    verify_cmd->add_option("--payload", verify.payload_file,
                           "File with the body exactly as sent (GitHub: Recent Deliveries > Payload)")
        ->required();
    verify_cmd->add_option("--signature", verify.signature,
                           "The header value (sha256=… or t=…;…)")
        ->required();
    auto* secret_env = verify_cmd->add_option("--secret-env", verify.secret_env,
                                              "Name of the environment variable holding the secret");
    auto* secret_file = verify_cmd->add_option("--secret-file", verify.secret_file,
                                               "File holding the secret");
    secret_env->excludes(secret_file);

    std::string token_ttl = "1h";
    auto* token = app.add_subcommand("token", "Print a signed bearer token for /api (needs JWT_SECRET)");
    token->add_option("--ttl", token_ttl, "Lifetime: seconds, or 90s, 90m, 12h, 7d (default 1h)");

    auto* doctor = app.add_subcommand(
        "doctor", "Check the socket, engine, manifest, containers, build contexts, registry "
                  "logins and secrets; say what to fix (exit 1 when something is wrong)");
    doctor->add_option("--manifest", settings.manifest_path, "The YAML manifest (MANIFEST_PATH)");
    std::string doctor_topic;
    doctor->add_option("TOPIC", doctor_topic,
                       "Only this group of checks: 'infisical' logs in to Infisical and reads "
                       "each app's secret path (key names only, never values)")
        ->check(CLI::IsMember({"infisical"}));
    auto* healthcheck = app.add_subcommand(
        "healthcheck", "Exit 0 when the agent on LISTEN_ADDRESS:PORT answers /healthz (the "
                       "image's HEALTHCHECK)");

    try {
        app.parse(argc, argv);
        if (!listen.empty()) {
            apply_listen_flag(settings, listen);
        }
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const std::invalid_argument& e) {
        std::cerr << "deploy-agent: " << e.what() << "\n";
        return 2;
    }

    if (serve->parsed()) {
        return run_serve(settings);
    }
    if (validate->parsed()) {
        return run_validate(settings.manifest_path, std::cout, std::cerr);
    }
    if (deploy->parsed()) {
        return dry_run ? run_dry_run_command(settings, deploy_app)
                       : run_deploy_command(settings, deploy_app);
    }
    if (verify_cmd->parsed()) {
        return run_verify_signature(verify, env, std::cout);
    }
    if (doctor->parsed()) {
        return run_doctor(settings, std::cout, doctor_topic);
    }
    if (healthcheck->parsed()) {
        return run_healthcheck_command(settings.listen_address, settings.port, std::cerr);
    }
    if (token->parsed()) {
        auto ttl = parse_token_ttl(token_ttl);
        if (!ttl) {
            std::cerr << "deploy-agent token: --ttl " << token_ttl
                      << ": expected seconds or a number with s, m, h or d (3600, 90m, 12h, 7d)\n";
            return 2;
        }
        return run_token_command(env, *ttl, std::cout, std::cerr);
    }
    return 2;
}

}  // namespace agent
