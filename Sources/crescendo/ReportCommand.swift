import ArgumentParser
import Foundation
import Report

/// One self-contained HTML report of a pipeline run or a scaling study.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report (inline SVG charts, no scripts) of a pipeline run or a study directory.")

    @Argument(help: "A pipeline's runs directory or a study's directory.")
    var directory: String

    @Option(help: "Where to write the HTML file.")
    var out: String = "report.html"

    func run() throws {
        let output = URL(fileURLWithPath: out)
        try RunReport.write(directory: URL(fileURLWithPath: directory), to: output)
        print("report: \(output.path)")
    }
}
