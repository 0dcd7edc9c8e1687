import Foundation
import PacerCore

extension DefinitionOptions {
    /// Sets or changes the target: `--http` or `--command` replace its kind; the other target
    /// flags change the target in place and must match its kind.
    func applyTarget(to target: inout Target, cwd: String, creating: Bool) throws {
        if http != nil, command != nil { throw CommandFailure.usage("give either --http or --command, not both") }
        if let http {
            if case .http(var t) = target, !creating {
                t.url = http
                target = .http(t)
            } else {
                target = .http(HTTPTarget(url: http))
            }
        }
        if let command {
            let argv = try Self.argv(command, shell: shell, flag: "--command", cwd: cwd)
            if case .command(var t) = target, !creating {
                t.argv = argv
                t.shell = shell
                target = .command(t)
            } else {
                target = .command(CommandTarget(argv: argv, workingDir: cwd, shell: shell))
            }
        } else if shell {
            throw CommandFailure.usage("--shell: only with --command")
        }

        let httpFlags = [("--method", method != nil), ("--header", !header.isEmpty), ("--header-env", !headerEnv.isEmpty),
                         ("--body", body != nil)].filter(\.1).map(\.0)
        if let flag = httpFlags.first {
            guard case .http(var t) = target else {
                throw CommandFailure.usage("\(flag): the target is not an HTTP request; give --http URL")
            }
            if let method { t.method = method.uppercased() }
            if !header.isEmpty { t.headers = try Self.headers(header) }
            if !headerEnv.isEmpty { t.headersFromEnv = try Self.pairs(headerEnv, "--header-env", "Header=ENV_VAR") }
            if let body { t.body = body.isEmpty ? nil : body }
            target = .http(t)
        }

        let commandFlags = [("--env", !env.isEmpty), ("--workdir", workdir != nil)].filter(\.1).map(\.0)
        if let flag = commandFlags.first {
            guard case .command(var t) = target else {
                throw CommandFailure.usage("\(flag): the target is not a command; give --command CMD")
            }
            if !env.isEmpty { t.env = try Self.pairs(env, "--env", "NAME=value") }
            if let workdir { t.workingDir = Self.absolute(workdir, cwd: cwd) }
            target = .command(t)
        }
    }

    /// Sets the dispatch mode and item source.
    func applyDispatch(to dispatch: inout Dispatch, cwd: String) throws {
        if perItem && single { throw CommandFailure.usage("give either --per-item or --single, not both") }
        let sources = [itemsJson, itemsUrl, itemsCommand].compactMap { $0 }
        if sources.count > 1 { throw CommandFailure.usage("give only one of --items-json, --items-url and --items-command") }
        if perItem { dispatch.mode = .perItem }
        if single { dispatch.mode = .single }
        if let itemsJson {
            do {
                dispatch.source = .static(try PacerJSON.decode([JSONValue].self, from: Data(itemsJson.utf8)))
            } catch {
                throw CommandFailure.usage("--items-json: '\(Table.excerpt(itemsJson, limit: 40))' is not a JSON array")
            }
        }
        if let itemsUrl { dispatch.source = .http(HTTPItemSource(url: itemsUrl)) }
        if let itemsCommand {
            dispatch.source = .command(CommandItemSource(argv: try Self.argv(itemsCommand, shell: false, flag: "--items-command", cwd: cwd)))
        }
        if let itemKey { dispatch.itemKey = itemKey.isEmpty ? nil : itemKey }
        if let maxItems { dispatch.maxItemsPerFire = maxItems }
    }

    // MARK: Values

    /// The argv of a command line: split like a shell would, with a relative program (one
    /// with a slash, such as `./report.sh`) made absolute against `cwd` so that a server
    /// started elsewhere finds it. With `shell`, the whole text is the script.
    static func argv(_ line: String, shell: Bool, flag: String, cwd: String) throws -> [String] {
        if shell {
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { throw CommandFailure.usage("\(flag): is empty") }
            return [line]
        }
        var words: [String]
        do {
            words = try ShellWords.split(line)
        } catch {
            throw CommandFailure.usage("\(flag): cannot split '\(line)': \(error)")
        }
        guard let program = words.first else { throw CommandFailure.usage("\(flag): is empty") }
        if program.contains("/") { words[0] = absolute(program, cwd: cwd) }
        return words
    }

    static func absolute(_ path: String, cwd: String) -> String {
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: cwd, isDirectory: true)).standardizedFileURL.path
    }

    static func headers(_ lines: [String]) throws -> [String: String] {
        var out: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":"), !line[..<colon].trimmingCharacters(in: .whitespaces).isEmpty else {
                throw CommandFailure.usage("--header: '\(line)' is not 'Name: value'")
            }
            out[line[..<colon].trimmingCharacters(in: .whitespaces)] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return out
    }

    static func pairs(_ items: [String], _ flag: String, _ shape: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for item in items {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw CommandFailure.usage("\(flag): '\(item)' is not \(shape)")
            }
            out[String(item[..<eq])] = String(item[item.index(after: eq)...])
        }
        return out
    }
}
