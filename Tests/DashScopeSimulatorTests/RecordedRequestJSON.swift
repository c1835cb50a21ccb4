import DashScopeSimulator
import Foundation

// Tests read recorded bodies through JSONSerialization; the simulator itself stays free of Foundation.
extension RecordedRequest {
    /// The body's top-level JSON object, or nil.
    var bodyObject: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])) as? [String: Any]
    }
}
