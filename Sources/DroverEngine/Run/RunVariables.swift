import DroverCore
import Foundation
import OrderedCollections

/// A host's variables at one task: the merged layers, with `hostvars`
/// built only when a template asks for it.
struct RunVariables: TemplateContext {
    var variables: OrderedDictionary<String, Value>
    let allHosts: HostVarsSnapshot
    let checkMode: Bool
    let searchPaths: [String]
    let controllerAccess: ControllerAccess

    func variable(named name: String) -> Value? {
        if let v = variables[name] { return v }
        if name == "hostvars" { return allHosts.value }
        return nil
    }

    func environmentVariable(_ name: String) -> String? {
        controllerAccess == .allowed ? ProcessInfo.processInfo.environment[name] : nil
    }

    /// The same variables with more on top (a loop item, a registered result).
    func adding(_ extra: OrderedDictionary<String, Value>) -> RunVariables {
        var copy = self
        copy.variables.merge(extra) { _, new in new }
        return copy
    }
}

/// Every host's variables, for `hostvars[...]`, as of the task's start.
struct HostVarsSnapshot: Sendable {
    let hosts: [(String, OrderedDictionary<String, Value>)]
    var value: Value {
        var dict = OrderedDictionary<String, Value>()
        for (name, vars) in hosts { dict[name] = .dict(vars) }
        return .dict(dict)
    }
}

/// The placeholder `omit` renders to; arguments equal to it are dropped.
let omitPlaceholder = "__omit_place_holder__drover"
