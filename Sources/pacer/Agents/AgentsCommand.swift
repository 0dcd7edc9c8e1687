import ArgumentParser
import Foundation
import PacerCore
import PacerOperations
import PacerStore

/// `pacer agents ...`: manage the agents that schedules start sessions of.
struct AgentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agents",
        abstract: "Add, list, change and remove agents (a model endpoint with its prompt, tools and prices).",
        discussion: """
            An agent is a model behind an OpenAI-compatible Chat Completions endpoint (OpenAI, Ollama, \
            vLLM, llama.cpp) or the Anthropic Messages API, with a system prompt, a tool allow-list, \
            a turn limit, a price table and an approval mode. The API key is never stored, printed or \
            given on the command line: --api-key-env names the server's environment variable that holds it.

              pacer agents add researcher --provider anthropic \\
                  --model claude-sonnet-4-5 --api-key-env ANTHROPIC_API_KEY \\
                  --system-prompt-file prompts/researcher.md --tool schedules \\
                  --max-turns 30 --input-price 3 --output-price 15
              pacer agents add local --base-url http://127.0.0.1:11434/v1 \\
                  --model llama3.1
              pacer schedule add --name digest --cron "0 8 * * *" \\
                  --agent researcher --prompt "Summarise the news of {{today}}"

            Agents are addressed by name or id. Agents can also be declared under agents: in a file \
            given to pacer apply -f.
            """,
        subcommands: [
            AgentsAddCommand.self, AgentsListCommand.self, AgentsShowCommand.self, AgentsEditCommand.self,
            AgentsRemoveCommand.self,
        ],
        aliases: ["agent"]
    )
}

/// `pacer agents add NAME`: create an agent from flags.
struct AgentsAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Create an agent.",
        discussion: """
            pacer agents add helper --base-url https://api.openai.com/v1 \\
                --model gpt-4.1-mini --api-key-env OPENAI_API_KEY
            pacer agents add claude --provider anthropic \\
                --model claude-sonnet-4-5 --api-key-env ANTHROPIC_API_KEY
            """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The agent's name, unique in the store.")
    var name: String

    @OptionGroup var definition: AgentOptions

    @Flag(help: "Print the stored agent as JSON.")
    var json = false

    func run() async throws {
        try await CommandFailure.reporting {
            let agent = try definition.newAgent(name: name, now: currentInstant(), cwd: FileManager.default.currentDirectoryPath)
            try await store.withStore { store in
                let saved = try await Self.save(agent, replacing: nil, store)
                if json { try JSONOutput.print(encodable: saved) } else {
                    Output.out("created agent '\(saved.name)' (\(saved.id)): \(saved.provider.rawValue) \(saved.model) at \(saved.baseURL)\n")
                }
            }
        }
    }

    /// Saves an agent, reporting a taken name as bad input.
    static func save(_ agent: Agent, replacing stored: Agent?, _ store: any Store) async throws -> Agent {
        let nameFlag = stored == nil ? "NAME" : "--name"
        do {
            return try await PolicyCheck.run(store, flag: { AgentOptions.flag(for: $0, nameFlag: nameFlag) }) { context in
                if let stored { return try await AgentOperations.replace(stored, with: agent, in: context) }
                return try await AgentOperations.create(agent, in: context)
            }
        } catch OperationError.conflict(field: "name", _) {
            throw CommandFailure.usage("name (\(nameFlag)): an agent named '\(agent.name)' exists already")
        } catch StoreError.nameTaken(let name) {
            throw CommandFailure.usage("name (\(nameFlag)): an agent named '\(name)' exists already")
        }
    }
}

/// `pacer agents edit NAME|ID`: change the flags given.
struct AgentsEditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Change an agent; only the flags given change.",
        discussion: "pacer agents edit researcher --model claude-opus-4-1 --max-turns 40 --tool none"
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The agent's name or id.")
    var agent: String

    @Option(help: "A new name (schedules that name the agent by its old name must be edited too).")
    var name: String?

    @OptionGroup var definition: AgentOptions

    @Flag(help: "Print the stored agent as JSON.")
    var json = false

    func run() async throws {
        try await store.withStore { store in
            let stored = try await store.agent(nameOrID: agent)
            var edited = stored
            if let name { edited.name = name }
            try definition.apply(to: &edited, cwd: FileManager.default.currentDirectoryPath, nameFlag: "--name")
            if edited == stored {
                if json { try JSONOutput.print(encodable: stored) } else { Output.out("agent '\(stored.name)' unchanged\n") }
                return
            }
            let saved = try await AgentsAddCommand.save(edited, replacing: stored, store)
            if json { try JSONOutput.print(encodable: saved) } else {
                let changed = AgentText.differences(stored, saved)
                Output.out("updated agent '\(saved.name)': \(changed.joined(separator: ", "))\n")
            }
        }
    }
}

/// `pacer agents rm NAME|ID`: delete an agent no schedule targets any more.
struct AgentsRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm",
        abstract: "Delete an agent; refused while schedules target it, unless --force.",
        discussion: "Its sessions stay, for their transcripts.",
        aliases: ["remove", "delete"]
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The agent's name or id.")
    var agent: String

    @Flag(help: "Delete it even though schedules target it (their runs then fail until they are edited).")
    var force = false

    @Flag(help: "Print {\"deleted\": id, \"name\": name} as JSON.")
    var json = false

    func run() async throws {
        try await store.withStore { store in
            let a = try await store.agent(nameOrID: agent)
            let users = try await store.schedules(targeting: a)
            do {
                try await PolicyCheck.run(store) { try await AgentOperations.delete(a.id, force: force, in: $0) }
            } catch OperationError.conflict {
                throw CommandFailure.usage("agent '\(a.name)' is the target of \(Self.list(users)); "
                                           + "edit or remove those first, or give --force")
            }
            if json { try JSONOutput.print(["deleted": a.id, "name": a.name]) } else {
                Output.out("deleted agent '\(a.name)' (\(a.id))\n")
                if !users.isEmpty { Output.out("warning: \(Self.list(users)) still target it; their runs will fail\n") }
            }
        }
    }

    static func list(_ schedules: [Schedule]) -> String {
        let names = schedules.map { "'\($0.name)'" }
        return (names.count == 1 ? "schedule " : "schedules ") + names.joined(separator: ", ")
    }
}

extension Store {
    /// The agent with that name, or else that id.
    /// - Throws: ``CommandFailure`` (exit status 1): `no agent named 'x'`.
    func agent(nameOrID: String) async throws -> Agent {
        if let a = try await findAgent(nameOrID) { return a }
        throw CommandFailure("no agent named '\(nameOrID)'; see pacer agents list")
    }

    /// The agent with that name, or else that id, or `nil`.
    func findAgent(_ nameOrID: String) async throws -> Agent? {
        try await Lookup.agent(nameOrID, in: self)
    }

    /// The schedules whose agent target names the agent, by name or by id.
    func schedules(targeting agent: Agent) async throws -> [Schedule] {
        try await schedules().filter {
            guard case .agent(let t) = $0.target else { return false }
            return t.agent == agent.id || t.agent == agent.name
        }
    }
}
