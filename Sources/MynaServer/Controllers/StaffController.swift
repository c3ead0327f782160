import Hummingbird
import MynaRegistry

/// Sign-in, the current session, sign-out, and supervisors creating clerk accounts.
struct StaffController {
    let registry: Registry

    func register(public routes: RouterGroup<MynaRequestContext>, staff: RouterGroup<StaffContext>, book: EndpointBook) {
        book.on(routes, .post, "/v1/staff/sessions") { request, context in
            let body = try await request.decodeJSON(as: SignInBody.self, context: context)
            do {
                let signedIn = try await registry.staff.signIn(
                    username: body.username, password: body.password, code: body.totp, source: context.clientAddress ?? "unknown")
                context.logger.info("staff sign-in", metadata: ["staff": "\(signedIn.session.member.id)"])
                RegistryMetrics.signIn("success")
                return JSONResponse(status: .created, value: SignedInView(
                    token: signedIn.token, staff: StaffView(signedIn.session.member), expiresAt: signedIn.session.expiresAt,
                    idleTimeoutSeconds: Int(StaffDirectory.sessionIdleTimeout)))
            } catch let error as RegistryError {
                // The username is not logged: it is the one thing an attacker supplies.
                context.logger.notice("staff sign-in refused", metadata: ["code": "\(error.code.rawValue)"])
                RegistryMetrics.signIn(error.code.rawValue)
                throw error
            }
        }
        book.on(staff, .get, "/v1/staff/sessions/current") { _, context in
            JSONResponse(value: SessionView(
                staff: StaffView(context.session.member), expiresAt: context.session.expiresAt,
                procedure: context.session.procedure.map(ProcedureView.init)))
        }
        book.on(staff, .delete, "/v1/staff/sessions/current") { _, context in
            try await registry.staff.signOut(context.session)
            return Response(status: .noContent)
        }
        book.on(staff, .post, "/v1/staff") { request, context in
            // A supervisor creates clerks for their own counter; other roles come from the CLI.
            try context.require(.createClerks)
            let body = try await request.decodeJSON(as: NewStaffBody.self, context: context)
            guard body.role == .clerk else {
                throw Problem(.forbidden, code: "role-not-permitted", detail: "a supervisor creates clerk accounts only")
            }
            let account = try await registry.staff.create(
                username: body.username, displayName: body.displayName, role: body.role,
                municipality: context.session.member.municipality, password: body.password)
            return JSONResponse(status: .created, value: NewStaffView(
                staff: StaffView(account.member), totpSecret: account.totpSecretBase32,
                totpURI: TOTP(secret: account.totpSecret).provisioningURI(account: account.member.username)))
        }
    }
}

/// Opening, showing and closing the one procedure a session may hold.
struct ProcedureController {
    let registry: Registry

    func register(staff: RouterGroup<StaffContext>, book: EndpointBook) {
        book.on(staff, .post, "/v1/procedures") { request, context in
            let body = try await request.decodeJSON(as: OpenProcedureBody.self, context: context)
            let procedure = try await registry.staff.openProcedure(
                in: context.session, for: body.residentId, purpose: body.purpose, registry: registry.residents)
            RegistryMetrics.proceduresOpened.increment()
            return JSONResponse(status: .created, value: ProcedureView(procedure))
        }
        book.on(staff, .get, "/v1/procedures/current") { _, context in
            guard let procedure = context.session.procedure else {
                throw Problem(.notFound, code: "no-open-procedure", detail: "the session has no open procedure")
            }
            return JSONResponse(value: ProcedureView(procedure))
        }
        book.on(staff, .delete, "/v1/procedures/current") { _, context in
            guard try await registry.staff.closeProcedure(in: context.session) else {
                throw Problem(.notFound, code: "no-open-procedure", detail: "the session has no open procedure")
            }
            return Response(status: .noContent)
        }
    }
}
