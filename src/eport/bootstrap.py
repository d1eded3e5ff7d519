"""The composition root: the only module that knows every part. Nothing happens at import."""

from __future__ import annotations

import functools
import logging
import secrets
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from eport.adapters.access_log import AuditTrailHandler
from eport.adapters.crypto.keystore import load_ca
from eport.adapters.db.catalogue_cache import CatalogueCache
from eport.adapters.db.checkpoint import Checkpointer
from eport.adapters.db.engine import create_engines, migrate
from eport.adapters.db.risk import RiskEngine, RuleSetCache
from eport.adapters.db.tariff import TariffEngine
from eport.adapters.db.writer import GroupCommitWriter
from eport.adapters.dispatcher import Dispatcher
from eport.adapters.risk_engine import ZenRuleEvaluator
from eport.clearance import commands as cc
from eport.clearance import handlers as ch
from eport.config import Settings
from eport.declarations import commands as dc
from eport.declarations import events as de
from eport.declarations import handlers as dh
from eport.declarations.bills import CargoRules
from eport.identity import commands as ic
from eport.identity import handlers as ih
from eport.kernel.clock import Clock, utcnow
from eport.kernel.messagebus import CommandHandler, MessageBus
from eport.kernel.messages import Command
from eport.ledger import commands as lc
from eport.ledger import handlers as lh
from eport.manifests import commands as mc
from eport.manifests import events as me
from eport.manifests import handlers as mh
from eport.notifications import commands as nc
from eport.notifications import handlers as nh
from eport.payments import commands as pyc
from eport.payments import handlers as pyh
from eport.permits import commands as pmc
from eport.permits import handlers as pmh
from eport.pki import commands as pc
from eport.pki import handlers as ph
from eport.risk import commands as rkc
from eport.risk import handlers as rkh
from eport.risk.demo import demo_reference
from eport.risk.ports import RuleEvaluator
from eport.risk.randomness import RandomSelection
from eport.routing import commands as rc
from eport.routing import events as re
from eport.routing import handlers as rh
from eport.tariff import commands as tc
from eport.tariff import events as te
from eport.tariff import handlers as th
from eport.verification import commands as vc
from eport.verification import handlers as vh


def build_bus(evaluator: RuleEvaluator | None = None) -> MessageBus:
    bus = MessageBus()
    handlers: list[tuple[type[Command], CommandHandler]] = [
        (dc.LodgeDeclaration, dh.lodge),
        (dc.AmendDeclaration, dh.amend),
        (dc.CancelDeclaration, dh.cancel),
        (dc.ReleaseDeclaration, dh.release),
        (rc.DecideTask, rh.decide),
        (rc.IssueECertificate, rh.issue_ecertificate),
        (rc.PutCatalogueRule, rh.put_rule),
        (rc.RetireCatalogueRule, rh.retire_rule),
        (rc.PutAgency, rh.put_agency),
        (mc.LodgeManifest, mh.lodge_manifest),
        (mc.RecordArrival, mh.record_arrival),
        (mc.RecordDeparture, mh.record_departure),
        (mc.GateOut, mh.gate_out),
        (pyc.PostAssessment, pyh.post_assessment),
        (pyc.IssuePaymentOrder, pyh.issue_payment_order),
        (pyc.ConfirmPayment, pyh.confirm_payment),
        (pyc.SetGuaranteeFacility, pyh.set_guarantee_facility),
        (pyc.GuaranteeDuties, pyh.guarantee_duties),
        (pyc.SettleCancellation, pyh.settle_cancellation),
        (rkc.SetComplianceLevel, rkh.set_compliance_level),
        (lc.AppendEntry, lh.append_entry),
        (pmc.IssueLicence, pmh.issue_licence),
        (pmc.RevokeLicence, pmh.revoke_licence),
        (pmc.IssueHandbook, pmh.issue_handbook),
        (pmc.RevokeHandbook, pmh.revoke_handbook),
        (vc.RecordForexReceipt, vh.record_receipt),
        (vc.VerifyForex, vh.verify_forex),
        (vc.ClaimRefund, vh.claim_refund),
        (vc.CheckRefund, vh.check_refund),
        (lc.SignTreeHead, lh.sign_tree_head),
        (cc.OrderInspection, ch.order_inspection),
        (cc.RecordFindings, ch.record_findings),
        (cc.RecordIpr, ch.record_ipr),
        (cc.DecideIprHold, ch.decide_ipr_hold),
        (tc.PublishExchangeRate, th.publish_exchange_rate),
        (tc.RecordOriginCertificate, th.record_origin_certificate),
        (tc.RevokeOriginCertificate, th.revoke_origin_certificate),
        (tc.SetQuotaBalance, th.set_quota_balance),
        (ic.RegisterEnterprise, ih.register_enterprise),
        (ic.ApplyForRegistration, ih.apply_for_registration),
        (ic.DecideRegistration, ih.decide_registration),
        (ic.CreateUser, ih.create_user),
        (ic.IssueToken, ih.issue_token),
        (ic.GrantDelegation, ih.grant_delegation),
        (ic.SetPassword, ih.set_password),
        (ic.EnableTotp, ih.enable_totp),
        (ic.LogIn, ih.log_in),
        (ic.IssueBoundToken, ih.issue_bound_token),
        (ic.RevokeDelegation, ih.revoke_delegation),
        (ic.RevokeToken, ih.revoke_token),
        (nc.Subscribe, nh.subscribe),
        (nc.Unsubscribe, nh.unsubscribe),
        (nc.RetryDelivery, nh.retry_delivery),
        (pc.IssueCertificate, ph.issue),
        (pc.RevokeCertificate, ph.revoke),
    ]
    if evaluator is not None:
        handlers.append((rkc.PutRuleSet, functools.partial(rkh.put_rule_set, evaluator=evaluator)))
    for command, handler in handlers:
        bus.register_command(command, handler)
    bus.subscribe(re.TaskDecided, dh.on_task_decided)
    bus.subscribe(de.DeclarationCancelled, pyh.on_declaration_cancelled)
    bus.subscribe(te.DeclarationAssessed, pyh.on_declaration_assessed)
    # Order matters: clearance holds the goods first, then a green lane may accept at once.
    bus.subscribe(de.DeclarationLodged, ch.on_declaration_lodged)
    bus.subscribe(de.DeclarationLodged, dh.on_lodged_accept_automatically)
    # A release writes its licences off and moves its handbooks' materials first (either may
    # refuse it), then goes on the ledger.
    bus.subscribe(de.DeclarationReleased, pmh.on_declaration_released)
    bus.subscribe(de.DeclarationReleased, pmh.on_declaration_released_move_handbooks)
    bus.subscribe(de.DeclarationReleased, lh.on_declaration_released)
    bus.subscribe(me.ConveyanceDeparted, lh.on_conveyance_departed)
    return bus


@dataclass
class EPort:
    """A running E-Port: engines, the writer, the bus and the dispatcher, wired together."""

    settings: Settings
    clock: Clock
    write_engine: sa.Engine
    read_engine: sa.Engine
    catalogue: CatalogueCache
    writer: GroupCommitWriter
    bus: MessageBus
    dispatcher: Dispatcher | None = None
    checkpointer: Checkpointer | None = None
    _started: bool = field(default=False, repr=False)

    def submit(self, command: Command) -> Future[Any]:
        """Queue a command; the future resolves after its transaction has committed."""
        return self.writer.submit(lambda uow: self.bus.handle(command, uow))

    def run(self, command: Command) -> Any:
        """Run a command and wait for its commit."""
        return self.writer.run(lambda uow: self.bus.handle(command, uow))

    def ensure_ca(self) -> None:
        """Create the CA if there is none yet (development and the demo), and load it."""
        from eport.adapters.crypto.keystore import ca_exists, create_ca

        if not ca_exists(self.settings):
            create_ca(self.settings)
        self.writer.ca = load_ca(self.settings)

    def start(self) -> None:
        if not self._started:
            if self.dispatcher is not None and self.dispatcher.access is not None:
                access = logging.getLogger("eport.access")
                access.setLevel(logging.INFO)
                access.addHandler(self.dispatcher.access)
            self.writer.start()
            if self.checkpointer is not None:
                self.checkpointer.start()
            if self.dispatcher is not None:
                self.dispatcher.start()
            self._started = True

    def stop(self) -> None:
        if self._started:
            if self.dispatcher is not None:
                if self.dispatcher.access is not None:
                    logging.getLogger("eport.access").removeHandler(self.dispatcher.access)
                self.dispatcher.stop()
            self.writer.stop()
            if self.checkpointer is not None:
                self.checkpointer.stop()
            self._started = False
        self.write_engine.dispose()
        self.read_engine.dispose()


def random_selection(settings: Settings) -> RandomSelection | None:
    """The random-selection seed: EPORT_RISK_SEED_KEY, or outside production a key generated
    once and kept in <data_dir>/.risk-seed. None when both rates are 0."""
    if settings.risk_yellow_rate == 0 and settings.risk_red_rate == 0:
        return None
    if settings.risk_seed_key is not None:
        key = settings.risk_seed_key.get_secret_value().encode()
    elif settings.environment == "production":
        raise RuntimeError("EPORT_RISK_SEED_KEY is required in production")
    else:
        path = settings.data_dir / ".risk-seed"
        if not path.exists():
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(32))
            path.chmod(0o600)
        key = path.read_text().strip().encode()
    return RandomSelection(
        settings.risk_seed_id, key, settings.risk_yellow_rate, settings.risk_red_rate
    )


def bootstrap(settings: Settings, *, clock: Clock = utcnow, migrate_schema: bool = True) -> EPort:
    if migrate_schema:
        migrate(settings)
    write_engine, read_engine = create_engines(settings)
    catalogue = CatalogueCache(ttl=settings.token_cache_seconds)
    writer = GroupCommitWriter(
        write_engine,
        clock,
        catalogue,
        threads=settings.writer_thread_count(),
        batch_max=settings.writer_batch_max,
    )
    writer.ca = load_ca(settings)
    writer.cargo_rules = CargoRules(settings.manifest_required, settings.gross_mass_tolerance)
    writer.licences_enforced = settings.licences_enforced
    evaluator = ZenRuleEvaluator()
    writer.risk = RiskEngine(
        evaluator,
        RuleSetCache(settings.token_cache_seconds),
        demo_reference(),
        random_selection(settings),
        settings.risk_enabled,
    )
    writer.tariff = TariffEngine.load(
        settings.tariff_dir,
        settings.tariff_country,
        settings.token_cache_seconds,
        settings.tariff_enabled,
        clock().date(),
    )
    app = EPort(settings, clock, write_engine, read_engine, catalogue, writer, build_bus(evaluator))
    if settings.is_sqlite:
        app.checkpointer = Checkpointer(read_engine)
    if settings.dispatcher_enabled:
        app.dispatcher = Dispatcher(
            writer,
            clock,
            interval=settings.dispatcher_interval_seconds,
            max_attempts=settings.webhook_max_attempts,
            backoff_base=timedelta(seconds=settings.webhook_backoff_seconds),
            timeout=settings.webhook_timeout_seconds,
        )
        writer.on_commit = app.dispatcher.notify
        if settings.audit_access_decisions:
            app.dispatcher.access = AuditTrailHandler()
    return app
