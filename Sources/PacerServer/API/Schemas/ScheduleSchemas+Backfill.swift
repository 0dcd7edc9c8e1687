import PacerCore

extension ScheduleSchemas {
    /// The body of `POST /v1/schedules/{id}/backfill`.
    static var backfillInput: JSONValue {
        Schema.object([
            M("from", Schema.dateTime, required: true, "The start of the window (included)"),
            M("to", Schema.dateTime, required: true, "The end of the window (included), not after now"),
            M("overlap", Schema.enumeration(OverlapPolicy.self), .whenSet, required: false,
              "The overlap policy of the backfill's runs (default: the schedule's); allow runs them side by side"),
            M("limit", Schema.integer(1...Backfill.maxLimit), .whenSet, required: false,
              "Most fires the window may hold (default \(Backfill.defaultLimit))"),
        ], .input, description: "A past window to run the fires of.")
    }

    /// What a backfill queued.
    static var backfillOutcome: JSONValue {
        Schema.object([
            M("queued", Schema.integer(min: 0), .always, required: true, "Runs queued, one per fire that had not run"),
            M("already_run", Schema.integer(min: 0), .always, required: true, "Fires left alone: they ran already or wait to run"),
            M("excluded", Schema.integer(min: 0), .always, required: true, "Fires the schedule's exclusions leave out"),
            M("overlap", Schema.enumeration(OverlapPolicy.self), .always, required: true, "The overlap policy its runs start under"),
            M("runs", Schema.array(Schema.string), .always, required: true, "The queued runs' ids, oldest fire first"),
        ], .output, description: "What a backfill queued.")
    }
}
