"""Handlers of the pki context: issue a certificate from a CSR, revoke one."""

from __future__ import annotations

from eport.pki import commands, errors, events
from eport.pki.model import CertificateStatus, IssuedCertificate
from eport.pki.ports import PkiUnitOfWork


def issue(cmd: commands.IssueCertificate, uow: PkiUnitOfWork) -> IssuedCertificate:
    if uow.ca is None:
        raise errors.CaNotInitialised("The CA is not initialised: run `eport ca init`.")
    certificate = uow.ca.issue(cmd.csr_pem, cmd.user_id, cmd.purpose, cmd.subject, uow.now())
    uow.certificates.add(certificate)
    uow.record(
        events.CertificateIssued(
            actor=cmd.actor,
            occurred_at=uow.now(),
            data={
                "serial": certificate.serial,
                "user": cmd.user_id,
                "purpose": cmd.purpose.value,
                "subject": certificate.subject,
                "sha256": certificate.sha256,
            },
        )
    )
    return certificate


def revoke(cmd: commands.RevokeCertificate, uow: PkiUnitOfWork) -> IssuedCertificate:
    certificate = uow.certificates.get(cmd.serial)
    if certificate is None or (cmd.holder is not None and certificate.user_id != cmd.holder):
        raise errors.CertificateNotFound("No such certificate.", serial=cmd.serial)
    if certificate.status is CertificateStatus.REVOKED:
        raise errors.AlreadyRevoked("The certificate is already revoked.", serial=cmd.serial)
    uow.certificates.revoke(cmd.serial, uow.now(), cmd.reason.value)
    uow.record(
        events.CertificateRevoked(
            actor=cmd.actor,
            occurred_at=uow.now(),
            reason=cmd.reason.value,
            data={"serial": cmd.serial, "user": certificate.user_id},
        )
    )
    revoked = uow.certificates.get(cmd.serial)
    assert revoked is not None
    return revoked
