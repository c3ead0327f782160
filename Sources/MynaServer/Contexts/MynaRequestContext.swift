import Foundation
public import Hummingbird
import MynaRegistry

/// The context of every request. ``StaffAuthenticationMiddleware`` fills `session` from
/// the bearer token; routes that need staff run under ``StaffContext``, which cannot be
/// built without one.
public struct MynaRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    var session: StaffSession?
    /// The peer's IP address, for limits that count per caller (the hotline, sign-ins);
    /// behind the operator's proxies, the client's (``ClientAddressMiddleware``). Never logged.
    var clientAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Bodies are small JSON documents; anything larger is refused before it is read.
    public var maxUploadSize: Int { 64 * 1024 }
}

/// A request from a signed-in member of staff: the type proves it, so no handler checks
/// "is logged in?" by itself (style.md).
struct StaffContext: ChildRequestContext {
    var coreContext: CoreRequestContextStorage
    let session: StaffSession

    init(context: MynaRequestContext) throws {
        guard let session = context.session else {
            throw Problem(.unauthorized, code: "session-required", detail: "sign in with a staff session token (Authorization: Bearer …)")
        }
        self.coreContext = context.coreContext
        self.session = session
    }

    var maxUploadSize: Int { 64 * 1024 }

    /// The member's role must allow `permission`.
    func require(_ permission: StaffRole.Permission) throws {
        guard session.member.role.may(permission) else {
            throw Problem(.forbidden, code: "role-not-permitted", detail: "this role may not do that")
        }
    }
}

/// Resolves `Authorization: Bearer <token>` into a staff session. An unknown or expired
/// token is simply no session; the route decides whether it needs one.
struct StaffAuthenticationMiddleware: RouterMiddleware {
    typealias Context = MynaRequestContext
    let registry: Registry

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            context.session = try await registry.staff.session(token: String(header.dropFirst("Bearer ".count)))
        }
        return try await next(request, context)
    }
}

extension StaffContext {
    /// The resident id in the path (`{id}`), refused if malformed.
    func residentID() throws -> String {
        guard let id = parameters.get("id"), id.count <= 64 else {
            throw Problem(.badRequest, code: "invalid-resident-id", detail: "the resident id is malformed")
        }
        return id
    }

    /// The path's resident and the session's procedure, which must be for them.
    func residentInProcedure() throws -> (id: String, procedure: Procedure) {
        let id = try residentID()
        return (id, try StaffDirectory.procedure(in: session, for: id))
    }

    /// Auditors read a resident's records without a procedure (their purpose is
    /// oversight); everyone else needs the resident's procedure.
    func residentInProcedureOrAudit() throws -> (id: String, purpose: String) {
        let id = try residentID()
        if session.member.role.may(.audit) { return (id, "oversight") }
        return (id, try StaffDirectory.procedure(in: session, for: id).purpose)
    }
}
