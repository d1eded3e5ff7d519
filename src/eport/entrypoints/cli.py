"""The `eport` command: serve, token, demo, bench, audit."""

from __future__ import annotations

import base64
import json
import logging
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from eport.config import Settings

app = typer.Typer(
    help="E-Port: a National Single Window for international trade.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()


def _settings(data_dir: Path | None = None) -> Settings:
    return Settings(data_dir=data_dir) if data_dir else Settings()


@app.command()
def serve(
    demo: Annotated[bool, typer.Option(help="Seed the demo country (once).")] = False,
    demo_data: Annotated[
        bool, typer.Option(help="With --demo, also lodge the demo declarations on first start.")
    ] = True,
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="TCP port.")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Data directory (SQLite).")] = None,
    tls_cert: Annotated[
        Path | None, typer.Option(help="Serve HTTPS with this certificate (PEM chain).")
    ] = None,
    tls_key: Annotated[Path | None, typer.Option(help="The HTTPS certificate's key.")] = None,
) -> None:
    """Migrate the database and serve the API (docs at /api/docs, probe at /healthz).

    With --tls-cert and --tls-key, serve HTTPS and accept client certificates that E-Port's CA
    issued (POST /api/v1/auth/certificate logs in with one)."""
    import uvicorn

    from eport.adapters import access_log
    from eport.bootstrap import bootstrap
    from eport.entrypoints.api.app import create_app
    from eport.entrypoints.seed import DEMO_PASSWORD, seed_demo, set_demo_passwords

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = _settings(data_dir)
    listener = access_log.configure(settings.access_log_path)
    eport = bootstrap(settings)
    if demo:
        eport.ensure_ca()
        if seed_demo(eport):
            console.print("[green]Seeded the demo country.[/] Try: eport token trader@demo")
            if demo_data:
                from eport.entrypoints.demo import _server, run_scenarios

                with _server(eport) as base:  # demo declarations, lodged through the API
                    run_scenarios(eport, base)
                eport = bootstrap(settings)  # that server stopped this one's writer
                console.print("Lodged the demo import and export, and one still in progress.")
        set_demo_passwords(eport)
        console.print(
            f"Portal: log in as trader@demo, customs@demo, admin@demo … password {DEMO_PASSWORD}"
        )
    where = settings.sqlalchemy_url.split("@")[-1]
    h, p = host or settings.host, port or settings.port
    tls: dict[str, Any] = {}
    if tls_cert or tls_key:
        from eport.entrypoints.tls import uvicorn_tls_options

        if not (tls_cert and tls_key):
            console.print("[red]--tls-cert and --tls-key go together.[/]")
            raise typer.Exit(2)
        eport.ensure_ca()
        tls = uvicorn_tls_options(tls_cert, tls_key, settings.pki_dir)
    scheme = "https" if tls else "http"
    console.print(
        f"E-Port on {scheme}://{h}:{p}  (portal: {scheme}://{h}:{p}/ · API docs: "
        f"{scheme}://{h}:{p}/api/docs; store: {where})"
    )
    console.print(f"Access decisions are logged to {settings.access_log_path}")
    try:
        uvicorn.run(create_app(eport), host=h, port=p, log_level="warning", access_log=False, **tls)
    finally:
        listener.stop()


@app.command()
def token(
    user: Annotated[str, typer.Argument(help="The user's e-mail, e.g. trader@demo.")],
    data_dir: Annotated[Path | None, typer.Option(help="Data directory (SQLite).")] = None,
) -> None:
    """Print a new bearer token for USER."""
    from eport.bootstrap import bootstrap
    from eport.entrypoints.seed import issue_token

    eport = bootstrap(_settings(data_dir))
    try:
        print(issue_token(eport, user))
    except LookupError as exc:
        console.print(f"[red]{exc}[/] (run `eport serve --demo` once to create the demo users)")
        raise typer.Exit(1) from None
    finally:
        eport.stop()


@app.command()
def demo(
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
) -> None:
    """Run an import and an export end to end through the HTTP API, on a fresh data dir."""
    from eport.entrypoints.demo import run_demo

    summary = run_demo(console=None if as_json else console)
    if as_json:
        print(json.dumps(summary, indent=2))
    if not summary["ok"]:
        raise typer.Exit(1)


@app.command()
def bench(
    declarations: Annotated[int, typer.Option("-n", help="Declarations to lodge.")] = 3000,
    clients: Annotated[int, typer.Option("-c", help="Concurrent clients.")] = 32,
    postgres: Annotated[
        str | None,
        typer.Option(
            help="Also run against this PostgreSQL URL (postgresql+psycopg://...).",
            envvar="EPORT_BENCH_POSTGRES_URL",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Lodge N varied declarations through the real HTTP stack; compare with a bare endpoint."""
    from eport.entrypoints.bench import run_bench

    results = run_bench(declarations, clients, postgres, console=None if as_json else console)
    if as_json:
        print(json.dumps(results, indent=2))


ca_app = typer.Typer(help="The certificate authority.", no_args_is_help=True)
app.add_typer(ca_app, name="ca")


@ca_app.command("init")
def ca_init(
    algorithm: Annotated[
        str | None, typer.Option(help="ecdsa-p256 (default), rsa-3072 or ed25519.")
    ] = None,
    organization: Annotated[str | None, typer.Option(help="Name in the CA certificates.")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Data directory.")] = None,
    root_key_dir: Annotated[
        Path | None,
        typer.Option(help="Write the root key here (offline media), not beside the others."),
    ] = None,
) -> None:
    """Create the root and issuing CA and the platform seal.

    Keys go to encrypted files (EPORT_CA_PASSPHRASE) or, with EPORT_CA_PKCS11_MODULE,
    EPORT_CA_PKCS11_TOKEN and EPORT_CA_PKCS11_PIN, onto an HSM token."""
    from eport.adapters.crypto.keystore import create_ca

    overrides: dict[str, object] = {}
    if data_dir:
        overrides["data_dir"] = data_dir
    if algorithm:
        overrides["ca_algorithm"] = algorithm
    if organization:
        overrides["ca_organization"] = organization
    settings = Settings(**overrides)  # type: ignore[arg-type]
    try:
        vault = create_ca(settings, root_key_dir)
    except (FileExistsError, ValueError) as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from None
    console.print(
        f"[green]CA created[/] in {settings.pki_dir} ({settings.ca_algorithm}), keys in "
        f"{vault.description}; publish {settings.pki_dir / 'root.crt'} as the trust anchor."
    )
    if root_key_dir is not None:
        console.print(f"The root key is in {root_key_dir / 'root.key'}: keep it offline.")


@app.command("verify")
def verify_document(
    file: Annotated[Path, typer.Argument(help="A sealed or signed document (CMS, DER or PEM).")],
    root: Annotated[
        Path | None, typer.Option(help="Trust anchor (PEM); default: <data-dir>/pki/root.crt.")
    ] = None,
    content: Annotated[
        Path | None, typer.Option(help="The signed bytes, for a detached signature.")
    ] = None,
    crl: Annotated[list[Path] | None, typer.Option(help="CRL files (DER or PEM).")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Data directory.")] = None,
) -> None:
    """Verify a document E-Port sealed (e.g. a receipt) offline; exit 1 if it does not hold."""
    from eport.adapters.crypto.cms import verify

    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    anchor = root or _settings(data_dir).pki_dir / "root.crt"
    if not anchor.exists():
        console.print(f"[red]No trust anchor at {anchor}[/]: pass --root root.crt")
        raise typer.Exit(2)
    result = verify(
        file.read_bytes(),
        anchor.read_bytes(),
        detached_content=content.read_bytes() if content else None,
        crls=[c.read_bytes() for c in crl or []],
    )
    if not result.ok:
        console.print(f"[red]NOT VERIFIED[/]: {result.problem}")
        raise typer.Exit(1)
    console.print(f"[green]VERIFIED[/]: signed by {result.signer}; chains to {anchor}")
    if content is None and result.content is not None:
        print(result.content.decode("utf-8", errors="replace"))


@app.command("audit-verify")
def audit_verify(
    data_dir: Annotated[Path | None, typer.Option(help="Data directory (SQLite).")] = None,
) -> None:
    """Verify the audit trail's hash chain; exit 1 if any entry was altered."""
    from eport.adapters import audit_store
    from eport.bootstrap import bootstrap

    eport = bootstrap(_settings(data_dir))
    try:
        with eport.read_engine.connect() as conn:
            report = audit_store.verify(conn)
    finally:
        eport.stop()
    if report.ok:
        console.print(f"[green]audit chain intact[/]: {report.checked} entries")
    else:
        console.print(
            f"[red]audit chain broken at entry {report.first_bad_seq}[/]: "
            f"{report.problem} ({report.checked} entries good before it)"
        )
        raise typer.Exit(1)


def main() -> None:
    app()


ledger_app = typer.Typer(help="The E-Ledger, checked from outside.", no_args_is_help=True)
app.add_typer(ledger_app, name="ledger")


@ledger_app.command("verify")
def ledger_verify(
    file: Annotated[
        Path, typer.Argument(help="An export (GET /api/v1/ledger/export) or an entry.")
    ],
    root: Annotated[Path | None, typer.Option(help="E-Port's root certificate (PEM).")] = None,
    issuing: Annotated[Path | None, typer.Option(help="The issuing CA certificate (PEM).")] = None,
    seen: Annotated[
        Path | None,
        typer.Option("--head", help="A signed head seen before (e.g. the witness's state)."),
    ] = None,
) -> None:
    """Verify a whole exported log, or one entry and its inclusion proof, against the signed
    tree head it carries, with no access to E-Port's database. With --head, an export must also
    hold the log that head committed to (so nothing before it was edited, deleted or moved).
    Exits 1 if it does not hold."""
    from eport.adapters.crypto.heads import check_head
    from eport.ledger.heads import SignedTreeHead
    from eport.ledger.verify import check_export, check_inclusion, check_prefix

    document = json.loads(file.read_text())
    head = SignedTreeHead.from_dict(document["head"])
    problems = check_head(
        head,
        root.read_bytes() if root else None,
        issuing.read_bytes() if issuing else None,
    )
    if "entries" in document:
        problems += check_export(document["entries"], head)
        what = f"log of {len(document['entries'])} entries"
        if seen is not None:
            earlier = SignedTreeHead.from_dict(json.loads(seen.read_text()))
            problems += check_head(earlier) + check_prefix(document["entries"], earlier)
    else:
        problems += check_inclusion(document, head)
        what = f"entry {document.get('seq')}"
    if problems:
        console.print(f"[red]NOT VERIFIED[/] {what}:")
        for problem in problems:
            console.print(f"  - {problem}")
        raise typer.Exit(1)
    console.print(
        f"[green]VERIFIED[/] {what} against the signed tree head of {head.size} entries "
        f"(root {head.root.hex()[:16]}…)"
    )


@ledger_app.command("witness")
def ledger_witness(
    url: Annotated[str, typer.Argument(help="E-Port's base URL, e.g. https://eport.example")],
    state: Annotated[Path, typer.Option(help="Where the last head seen is kept.")] = Path(
        "eport-witness.json"
    ),
    root: Annotated[Path | None, typer.Option(help="E-Port's root certificate (PEM).")] = None,
    interval: Annotated[float, typer.Option(help="Seconds between polls.")] = 60.0,
    once: Annotated[bool, typer.Option(help="Poll once and exit.")] = False,
) -> None:
    """Poll the signed tree heads and check each new one is consistent with the last one seen:
    the log only grows, and nobody rewrote it. Exits 1 on a bad signature or a fork."""
    import time

    import httpx

    from eport.adapters.crypto.heads import check_head
    from eport.ledger.heads import SignedTreeHead
    from eport.ledger.verify import check_consistency

    base = url.rstrip("/")
    with httpx.Client(timeout=30) as client:
        while True:
            new = SignedTreeHead.from_dict(
                client.get(f"{base}/ledger/head").raise_for_status().json()
            )
            problems = check_head(new, root.read_bytes() if root else None)
            if not problems and state.exists():
                old = SignedTreeHead.from_dict(json.loads(state.read_text()))
                proof: list[bytes] = []
                if 0 < old.size < new.size:
                    answer = client.get(
                        f"{base}/ledger/consistency",
                        params={"first": old.size, "second": new.size},
                    ).raise_for_status()
                    proof = [base64.b64decode(p) for p in answer.json()["proof"]]
                problems = check_consistency(old, new, proof)
            if problems:
                console.print(f"[red]ALERT[/] {base}: " + "; ".join(problems))
                raise typer.Exit(1)
            state.write_text(json.dumps(new.as_dict()))
            console.print(f"[green]OK[/] tree of {new.size} entries, root {new.root.hex()[:16]}…")
            if once:
                return
            time.sleep(interval)
