import DroverCore
@testable import DroverEngine
@testable import DroverStore
import DroverTestSupport
import Foundation
import GRDB

/// An observer that does nothing: the recorder's `next`.
struct NullObserver: RunObserver {
    func playStarted(_ play: Play, hosts: [String]) async {}
    func taskStarted(_ title: String, id: TaskID, task: DroverCore.Task?, hosts: Int, handler: Bool) async {}
    func hostReported(_ report: HostTaskReport) async {}
    func message(_ text: String) async {}
    func runFinished(_ recap: RunRecap) async {}
}

/// A store in a DROVER_HOME of its own, removed with `close()`.
struct TemporaryStore {
    let home: String
    let store: Store

    init(_ label: String) throws {
        home = try scratchDirectory("store-\(label)")
        store = try Store(home: home)
    }

    func close() {
        try? FileManager.default.removeItem(atPath: home)
    }

    /// A second connection to the same database, for checks and for
    /// arranging rows the recorder would not write (old dates, dead pids).
    func database() throws -> DatabaseQueue {
        try DatabaseQueue(path: home + "/drover.sqlite")
    }
}

/// A result as the engine would report it.
func report(_ host: String, _ task: String, _ status: TaskStatus = .ok, id: TaskID = .unplaced, stdout: String? = nil, stderr: String? = nil,
            rc: Int? = nil, msg: String? = nil, item: String? = nil, module: String = "command", ignored: Bool = false,
            noLog: Bool = false, undo: [UndoEntry] = [], started: Date? = nil) -> HostTaskReport {
    var result: [(String, Value)] = []
    if let rc { result.append(("rc", .int(rc))) }
    if let stdout { result.append(("stdout", .string(stdout))) }
    if let stderr { result.append(("stderr", .string(stderr))) }
    if let msg { result.append(("msg", .string(msg))) }
    result.append(("changed", .bool(status == .changed)))
    if status == .failed { result.append(("failed", .bool(true))) }
    if status == .skipped { result.append(("skipped", .bool(true))) }
    var report = HostTaskReport(host: host, taskID: id, status: status, ignored: ignored, item: item,
                                result: .dict(.init(uniqueKeysWithValues: result)))
    report.module = module
    report.task = task
    report.noLog = noLog
    report.undo = undo
    report.started = started ?? Date()
    return report
}

/// The run's info as `drover run` would give it.
func runInfo(_ playbook: String = "site.yml", extraVars: [(String, Value)] = [], check: Bool = false) -> RunInfo {
    RunInfo(playbook: "/srv/playbooks/\(playbook)", playbookSHA256: String(repeating: "ab", count: 32), inventory: ["inventory"],
            limit: nil, extraVars: .init(uniqueKeysWithValues: extraVars), checkMode: check)
}

/// Records a run made of `reports` through a RunRecorder, as the engine
/// would (a taskStarted before each new task; reports without an id get
/// one per title, in order of first appearance), and finishes it with the
/// recap the reports add up to. Returns the run's id.
@discardableResult
func record(_ store: Store, _ reports: [HostTaskReport], info: RunInfo = runInfo()) async throws -> Int64 {
    let recorder = try await RunRecorder.start(store: store, info: info, forwardingTo: NullObserver())
    var lastTask: TaskID?
    var idsByTitle: [String: TaskID] = [:]
    var stats: [String: HostStats] = [:]
    var hosts: [String] = []
    for var report in reports {
        if report.taskID == .unplaced {
            report.taskID = idsByTitle[report.task] ?? TaskID(play: 1, path: [idsByTitle.count + 1])
            idsByTitle[report.task] = report.taskID
        }
        if report.taskID != lastTask {
            await recorder.taskStarted(report.task, id: report.taskID, task: nil, hosts: 1, handler: false)
            lastTask = report.taskID
        }
        await recorder.hostReported(report)
        if stats[report.host] == nil { hosts.append(report.host) }
        var s = stats[report.host] ?? HostStats()
        switch report.status {
        case .ok: s.ok += 1
        case .changed: s.ok += 1; s.changed += 1
        case .failed: if report.ignored { s.ok += 1; s.ignored += 1 } else { s.failed += 1 }
        case .skipped: s.skipped += 1
        case .unreachable: s.unreachable += 1
        case .cancelled: s.cancelled += 1
        }
        stats[report.host] = s
    }
    let recap = RunRecap(hosts: hosts.map { ($0, stats[$0]!) }, duration: .zero)
    await recorder.runFinished(recap)
    await recorder.finish(status: recap.status, recap: recap)
    return recorder.runID
}

/// Runs `xmllint --schema` on `xml`; returns its exit status and output.
func validateJUnit(_ xml: String, in directory: String) async throws -> ProcessResult {
    try junitSchema.write(toFile: "\(directory)/junit.xsd", atomically: true, encoding: .utf8)
    try xml.write(toFile: "\(directory)/report.xml", atomically: true, encoding: .utf8)
    return try await run("/usr/bin/xmllint", ["--noout", "--schema", "\(directory)/junit.xsd", "\(directory)/report.xml"])
}

/// The JUnit schema CI servers read (the shape of Jenkins' junit-10.xsd:
/// testsuites > testsuite > properties, testcase > failure/error/skipped/
/// system-out/system-err), written out here with counts as integers.
let junitSchema = """
    <?xml version="1.0" encoding="UTF-8"?>
    <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
      <xs:simpleType name="seconds">
        <xs:restriction base="xs:string">
          <xs:pattern value="[0-9]+(\\.[0-9]*)?"/>
        </xs:restriction>
      </xs:simpleType>
      <xs:complexType name="outcome" mixed="true">
        <xs:attribute name="type" type="xs:string"/>
        <xs:attribute name="message" type="xs:string"/>
      </xs:complexType>
      <xs:element name="failure" type="outcome"/>
      <xs:element name="error" type="outcome"/>
      <xs:element name="skipped" type="outcome"/>
      <xs:element name="system-out" type="xs:string"/>
      <xs:element name="system-err" type="xs:string"/>
      <xs:element name="property">
        <xs:complexType>
          <xs:attribute name="name" type="xs:string" use="required"/>
          <xs:attribute name="value" type="xs:string" use="required"/>
        </xs:complexType>
      </xs:element>
      <xs:element name="properties">
        <xs:complexType>
          <xs:sequence>
            <xs:element ref="property" minOccurs="0" maxOccurs="unbounded"/>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
      <xs:element name="testcase">
        <xs:complexType>
          <xs:choice minOccurs="0" maxOccurs="unbounded">
            <xs:element ref="skipped"/>
            <xs:element ref="error"/>
            <xs:element ref="failure"/>
            <xs:element ref="system-out"/>
            <xs:element ref="system-err"/>
          </xs:choice>
          <xs:attribute name="name" type="xs:string" use="required"/>
          <xs:attribute name="classname" type="xs:string"/>
          <xs:attribute name="time" type="seconds"/>
          <xs:attribute name="group" type="xs:string"/>
        </xs:complexType>
      </xs:element>
      <xs:element name="testsuite">
        <xs:complexType>
          <xs:choice minOccurs="0" maxOccurs="unbounded">
            <xs:element ref="testsuite"/>
            <xs:element ref="properties"/>
            <xs:element ref="testcase"/>
            <xs:element ref="system-out"/>
            <xs:element ref="system-err"/>
          </xs:choice>
          <xs:attribute name="name" type="xs:string" use="required"/>
          <xs:attribute name="tests" type="xs:nonNegativeInteger" use="required"/>
          <xs:attribute name="failures" type="xs:nonNegativeInteger" use="required"/>
          <xs:attribute name="errors" type="xs:nonNegativeInteger" use="required"/>
          <xs:attribute name="skipped" type="xs:nonNegativeInteger"/>
          <xs:attribute name="time" type="seconds"/>
          <xs:attribute name="timestamp" type="xs:string"/>
          <xs:attribute name="hostname" type="xs:string"/>
          <xs:attribute name="id" type="xs:string"/>
          <xs:attribute name="package" type="xs:string"/>
          <xs:attribute name="group" type="xs:string"/>
          <xs:attribute name="file" type="xs:string"/>
          <xs:attribute name="log" type="xs:string"/>
          <xs:attribute name="url" type="xs:string"/>
        </xs:complexType>
      </xs:element>
      <xs:element name="testsuites">
        <xs:complexType>
          <xs:sequence>
            <xs:element ref="testsuite" minOccurs="0" maxOccurs="unbounded"/>
          </xs:sequence>
          <xs:attribute name="name" type="xs:string"/>
          <xs:attribute name="time" type="seconds"/>
          <xs:attribute name="tests" type="xs:nonNegativeInteger"/>
          <xs:attribute name="failures" type="xs:nonNegativeInteger"/>
          <xs:attribute name="errors" type="xs:nonNegativeInteger"/>
        </xs:complexType>
      </xs:element>
    </xs:schema>
    """
