// swift-tools-version: 6.1
// Myna — an open implementation of Japan's My Number system.
// Module layout follows docs/architecture.md: value types at the bottom (MynaCore),
// storage and the registry in the middle, the HTTP server and the CLI on top.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Myna",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "myna", targets: ["myna"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        // Hummingbird's and postgres-nio's own dependencies, named because Myna imports them.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        // The system's SQLite (Debian: libsqlite3-dev, 3.38 or later).
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // Value types and rules, no I/O.
        .target(name: "MynaCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")], swiftSettings: swiftSettings),
        // Number issuance: keyed permutation of an internal sequence.
        .target(name: "MynaNumbering", dependencies: ["MynaCore"], swiftSettings: swiftSettings),
        // Keys and what they protect: the key store, the number vault's sealing, keyed
        // hashes of callers' addresses, private files, the bulk random source.
        .target(
            name: "MynaSecrets",
            dependencies: ["MynaCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // The database: SQLite and PostgreSQL behind one query layer, the dialect verbs,
        // and the migration runner. Each domain module owns its tables and migrations.
        .target(
            name: "MynaDatabase",
            dependencies: [
                "MynaCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // The system's SQLite, called through the C API (SQLiteHandle.swift says why).
                "CSQLite",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // JPKI: the signer, certificate profiles and lints, CRL and OCSP (RFC 5280, 6960).
        .target(
            name: "MynaPKI",
            dependencies: [
                "MynaCore", "MynaDatabase", "MynaSecrets",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The My Number card: lifecycle state machine, PIN rules, card validity.
        .target(name: "MynaCard", dependencies: ["MynaCore", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: swiftSettings),
        // The virtual card a resident holds: JPKI and text-input applications over APDUs.
        .target(
            name: "MynaCardEmulator",
            dependencies: [
                "MynaCore", "MynaCard",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Residents, their history, staff, sign-in, procedures and access records.
        .target(
            name: "MynaRegistry",
            dependencies: [
                "MynaCore", "MynaNumbering", "MynaDatabase", "MynaSecrets", "MynaAudit",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The registry's side of the card: applications, issuance at the counter, the
        // suspension hotline, loss, return, renewal, and the certificates that follow the
        // person's record.
        .target(
            name: "MynaCardOffice",
            dependencies: [
                "MynaCore", "MynaCard", "MynaDatabase", "MynaSecrets", "MynaRegistry", "MynaPKI",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The transparency log: RFC 9162 Merkle tree, signed tree heads (RFC 6962 §3.5),
        // salted record commitments, and the log in the database.
        .target(
            name: "MynaAudit",
            dependencies: ["MynaCore", "MynaDatabase", "MynaSecrets", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // The information linkage network: agencies and their signed requests, per-agency
        // codes, the allow-list, the intermediate store, brokered queries, refusals and
        // provision records.
        .target(
            name: "MynaLinkage",
            dependencies: [
                "MynaCore", "MynaDatabase", "MynaSecrets", "MynaRegistry", "MynaAudit",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Resources/allow-list.json")],
            swiftSettings: swiftSettings
        ),
        // The Hummingbird application.
        .target(
            name: "MynaServer",
            dependencies: [
                "MynaCore", "MynaRegistry", "MynaPKI", "MynaCard", "MynaCardOffice", "MynaLinkage", "MynaPortal", "MynaPortalPages", "MynaOIDC", "MynaServices", "MynaCharts",
                "MynaAudit", "MynaSystem",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // Pushes notices to agencies' endpoints with redirects off and the
                // connection pinned to a checked address (NoticePushService.swift).
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            resources: [.copy("Resources/openapi.json")],
            swiftSettings: swiftSettings
        ),
        // The demo's data, made through the system's services (`myna demo`), and the
        // counter's issuance with a virtual card that the demo and the benchmarks share.
        .target(
            name: "MynaDemo",
            dependencies: [
                "MynaCore", "MynaCard", "MynaCardEmulator", "MynaCardOffice", "MynaPKI", "MynaRegistry", "MynaLinkage", "MynaSecrets", "MynaServices",
                "MynaSystem",
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: swiftSettings
        ),
        // The benchmarks (`myna bench`): each measurement beside a reference in the same run.
        .target(
            name: "MynaBench",
            dependencies: [
                "MynaCore", "MynaNumbering", "MynaDatabase", "MynaSecrets", "MynaRegistry", "MynaPKI", "MynaCard", "MynaCardEmulator",
                "MynaCardOffice", "MynaLinkage", "MynaAudit", "MynaOIDC", "MynaPortal", "MynaServices", "MynaPDF", "MynaServer", "MynaSystem",
                "MynaDemo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        // The command-line tool.
        .executableTarget(
            name: "myna",
            dependencies: [
                "MynaCore", "MynaNumbering", "MynaDatabase", "MynaRegistry", "MynaServer", "MynaPKI", "MynaCard", "MynaCardEmulator", "MynaCardOffice", "MynaLinkage", "MynaAudit", "MynaPortal", "MynaServices",
                "MynaSecrets", "MynaSystem", "MynaDemo", "MynaBench", "MynaOIDC", "MynaPDF",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        // OpenID Connect's rules: authorization requests, PKCE, scopes, pairwise subjects,
        // tokens signed with jwt-kit. No I/O: MynaPortal keeps codes and consents.
        .target(
            name: "MynaOIDC",
            dependencies: [
                "MynaCore",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Mynaportal's pages: view models and mustache templates, Japanese and English.
        .target(
            name: "MynaPortalPages",
            dependencies: [.product(name: "Mustache", package: "swift-mustache")],
            resources: [.copy("Templates"), .copy("Static/portal.css")],
            swiftSettings: swiftSettings
        ),
        // Mynaportal: residents' sessions, sign-in with the card, linkages, consents.
        .target(
            name: "MynaPortal",
            dependencies: [
                "MynaCore", "MynaDatabase", "MynaSecrets", "MynaRegistry", "MynaPKI", "MynaCard", "MynaCardOffice", "MynaLinkage", "MynaAudit", "MynaOIDC",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: swiftSettings
        ),
        // A small PDF writer with PDF's predefined Japanese fonts, for printed certificates.
        .target(name: "MynaPDF", dependencies: ["MynaCore"], swiftSettings: swiftSettings),
        // Server-drawn SVG charts for the statistics page, and the small-cell suppression rule.
        .target(name: "MynaCharts", swiftSettings: swiftSettings),
        // The services on the card: the Mykey platform, Mynapoint campaigns, kiosk
        // certificates (コンビニ交付), online eligibility at clinics, and statistics.
        .target(
            name: "MynaServices",
            dependencies: [
                "MynaCore", "MynaDatabase", "MynaRegistry", "MynaCardOffice", "MynaLinkage", "MynaPortal", "MynaPDF", "MynaCharts",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The one wiring point: opens the whole system from a configuration, for the
        // server, the CLI and the tests; and assembles the owners' migrations.
        .target(
            name: "MynaSystem",
            dependencies: [
                "MynaCore", "MynaDatabase", "MynaSecrets", "MynaRegistry", "MynaPKI", "MynaCardOffice", "MynaAudit", "MynaLinkage", "MynaPortal",
                "MynaServices",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Throwaway databases (SQLite files, PostgreSQL databases) and a clock tests can move.
        .target(
            name: "MynaTestSupport",
            dependencies: [
                "MynaCore", "MynaDatabase", "MynaSecrets", "MynaRegistry", "MynaPKI", "MynaCard", "MynaCardOffice", "MynaCardEmulator", "MynaSystem",
                .product(name: "Logging", package: "swift-log"), .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            path: "Tests/MynaTestSupport",
            swiftSettings: swiftSettings
        ),
        // Reads Sources/ and fails when a module names another's table or imports past its layer.
        .testTarget(name: "ArchitectureTests", swiftSettings: swiftSettings),
        .testTarget(name: "MynaCoreTests", dependencies: ["MynaCore"], swiftSettings: swiftSettings),
        .testTarget(name: "MynaNumberingTests", dependencies: ["MynaNumbering", "MynaCore"], swiftSettings: swiftSettings),
        .testTarget(name: "MynaCardTests", dependencies: ["MynaCard", "MynaCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "MynaCardEmulatorTests",
            dependencies: [
                "MynaCardEmulator", "MynaCard", "MynaCore",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "MynaPKITests",
            dependencies: [
                "MynaPKI", "MynaCore", "MynaDatabase", "MynaSecrets", "MynaTestSupport",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MynaCardOfficeTests",
            dependencies: [
                "MynaCardOffice", "MynaCard", "MynaCardEmulator", "MynaPKI", "MynaRegistry", "MynaDatabase", "MynaSecrets", "MynaCore", "MynaTestSupport",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MynaAuditTests",
            dependencies: ["MynaAudit", "MynaDatabase", "MynaTestSupport", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MynaLinkageTests",
            dependencies: [
                "MynaLinkage", "MynaAudit", "MynaRegistry", "MynaDatabase", "MynaCore", "MynaTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MynaRegistryTests",
            dependencies: [
                "MynaRegistry", "MynaDatabase", "MynaSecrets", "MynaSystem", "MynaCore", "MynaTestSupport",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MynaOIDCTests",
            dependencies: ["MynaOIDC", "MynaCore", .product(name: "JWTKit", package: "jwt-kit"), .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "MynaPortalPagesTests", dependencies: ["MynaPortalPages"], swiftSettings: swiftSettings),
        .testTarget(
            name: "MynaPortalTests",
            dependencies: [
                "MynaPortal", "MynaRegistry", "MynaDatabase", "MynaTestSupport", "MynaPKI", "MynaCardOffice", "MynaCardEmulator", "MynaCard", "MynaCore",
                "MynaLinkage", "MynaOIDC", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MynaServicesTests",
            dependencies: [
                "MynaServices", "MynaPDF", "MynaPortal", "MynaLinkage", "MynaRegistry", "MynaDatabase", "MynaTestSupport", "MynaPKI", "MynaCardOffice",
                "MynaCardEmulator", "MynaCard", "MynaCore", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "MynaPDFTests", dependencies: ["MynaPDF", "MynaCore"], swiftSettings: swiftSettings),
        .testTarget(name: "MynaChartsTests", dependencies: ["MynaCharts"], swiftSettings: swiftSettings),
        .testTarget(
            name: "MynaServerTests",
            dependencies: [
                "MynaServer", "MynaRegistry", "MynaDatabase", "MynaTestSupport", "MynaPKI", "MynaCardOffice", "MynaCardEmulator", "MynaCard",
                "MynaLinkage", "MynaAudit", "MynaPortal", "MynaServices", "MynaSystem", "MynaCore", "MynaOIDC",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
