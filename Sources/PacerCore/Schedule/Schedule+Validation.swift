extension Schedule: Validatable {
    /// The longest name accepted.
    public static let maxNameLength = 200

    /// Every field error of the definition, with dotted wire paths (`timing.timezone`,
    /// `target.url`, `policies.exclusions[0]`).
    public func validate() -> [FieldError] {
        var v = Validator()
        v.text(id, "id")
        v.name(name, "name", max: Self.maxNameLength)
        v.text(owner, "owner")
        v.check(!owner.unicodeScalars.contains(where: Validator.isInvisible), "owner", "must not contain control, formatting or bidirectional characters")
        if let notes { v.check(notes.count <= 10_000, "notes", "is \(notes.count) characters long; at most 10000 are allowed") }
        timing.validate(at: "timing", into: &v)
        target.validate(at: "target", into: &v)
        dispatch.validate(at: "dispatch", into: &v)
        policies.validate(at: "policies", into: &v)
        caps.validate(at: "caps", into: &v)
        delivery.validate(at: "delivery", into: &v)
        v.check(revision >= 1, "revision", "\(revision) must be at least 1")
        v.check(updatedAt >= createdAt, "updated_at", "\(PacerJSON.format(updatedAt)) is before created_at \(PacerJSON.format(createdAt))")
        return v.errors
    }
}
