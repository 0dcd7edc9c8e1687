import ArgumentParser
import Foundation
import PacerCore
import PacerStore

/// The flags of an agent target and of the caps on its sessions, part of
/// ``DefinitionOptions``.
struct AgentTargetOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Start a session of this agent (name or id; see pacer agents list).", valueName: "agent"))
    var agent: String?

    @Option(help: ArgumentHelp(
        "The agent's prompt, a Mustache template ({{today}}, {{item.title}}, {{previous_session.last_text}}).",
        valueName: "template"))
    var prompt: String?

    @Option(help: ArgumentHelp("Read the prompt template from a file.", valueName: "path"))
    var promptFile: String?

    @Option(help: ArgumentHelp("Cap: most re-deferrals of a session chain ('default' = the server's, 50).", valueName: "n"))
    var maxResumes: String?

    @Option(help: ArgumentHelp("Cap: longest life of a session chain, e.g. 12h or 30d ('default' = the server's, 720h).", valueName: "duration"))
    var maxLifetime: String?

    @Option(help: ArgumentHelp("Cap: most input plus output tokens ('default' = the server's, 1000000).", valueName: "n"))
    var maxTokens: String?

    @Option(help: ArgumentHelp("Cap: highest cost, in the agent's price currency ('default' = the server's, 5.00).", valueName: "amount"))
    var maxCost: String?

    /// The flag that set the prompt, if one did.
    var promptFlag: String? {
        prompt != nil ? "--prompt" : promptFile != nil ? "--prompt-file" : nil
    }

    /// The prompt given by `--prompt` or `--prompt-file`, if any.
    func promptText(cwd: String) throws -> String? {
        if prompt != nil, promptFile != nil { throw CommandFailure.usage("give either --prompt or --prompt-file, not both") }
        if let prompt { return prompt }
        if let promptFile { return try AgentOptions.read(promptFile, "--prompt-file", cwd: cwd) }
        return nil
    }

    /// Sets or changes an agent target: `--agent` makes the target an agent session (keeping
    /// the prompt of an agent target unless one is given); `--prompt` alone changes the prompt
    /// of an agent target.
    func applyTarget(to target: inout Target, cwd: String, creating: Bool, otherKind: String?) throws {
        let promptText = try promptText(cwd: cwd)
        if let agent {
            if let otherKind { throw CommandFailure.usage("give only one of --http, --command and --agent, not \(otherKind) and --agent") }
            if case .agent(var t) = target, !creating {
                t.agent = agent
                if let promptText { t.prompt = promptText }
                target = .agent(t)
            } else {
                guard let promptText else {
                    throw CommandFailure.usage("--agent: give the prompt with --prompt TEXT or --prompt-file PATH")
                }
                target = .agent(AgentTarget(agent: agent, prompt: promptText))
            }
        } else if let promptText, let flag = promptFlag {
            guard case .agent(var t) = target else {
                throw CommandFailure.usage("\(flag): the target is not an agent; give --agent NAME")
            }
            t.prompt = promptText
            target = .agent(t)
        }
    }

    /// Sets the caps given; `default` (or `none`) clears a cap back to the server's default.
    func applyCaps(to caps: inout Caps) throws {
        if let maxResumes { caps.maxResumes = try Self.cap(maxResumes, "--max-resumes") { Int($0) } }
        if let maxLifetime {
            caps.maxLifetimeHours = try Self.cap(maxLifetime, "--max-lifetime", shape: "a duration such as 12h or 30d") {
                DurationText.seconds($0).map { $0 / 3600 }
            }
        }
        if let maxTokens { caps.maxTotalTokens = try Self.cap(maxTokens, "--max-tokens") { Int($0.replacingOccurrences(of: "_", with: "")) } }
        if let maxCost { caps.maxCost = try Self.cap(maxCost, "--max-cost", shape: "an amount such as 2.50") { Double($0) } }
    }

    /// A cap's value, or `nil` for `default` / `none`.
    static func cap<T>(_ text: String, _ flag: String, shape: String = "a whole number",
                       _ parse: (String) -> T?) throws -> T? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t == "default" || t == "none" { return nil }
        guard let value = parse(t) else {
            throw CommandFailure.usage("\(flag): '\(text)' is not \(shape) (or 'default' for the server's)")
        }
        return value
    }
}

extension DefinitionOptions {
    /// Sets the per-item notify hook: `none` removes it.
    func applyNotify(to dispatch: inout Dispatch) throws {
        guard let notify else { return }
        let delivery = try Self.delivery(notify, flag: "--notify")
        dispatch.notify = delivery == .none ? nil : delivery
    }
}
