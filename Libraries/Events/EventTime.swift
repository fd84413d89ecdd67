import Foundation

/// The one spelling of an event's time: ISO 8601 in UTC with milliseconds.
public enum EventTime {
    public static func format(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
