from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management.base import BaseCommand

from venues.posters.tokens import thumbprint


class Command(BaseCommand):
    help = (
        "Print a new EC P-256 key for signing QR posters: set the private PEM as "
        "QR_SIGNING_KEY; when rotating, add the old public PEM to QR_PREVIOUS_PUBLIC_KEYS."
    )

    def handle(self, *args, **options):
        key = ec.generate_private_key(ec.SECP256R1())
        private_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        public_pem = (
            key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )
        self.stdout.write(f"# kid (RFC 7638 thumbprint): {thumbprint(key.public_key())}")
        self.stdout.write("# QR_SIGNING_KEY (keep secret):")
        self.stdout.write(private_pem)
        self.stdout.write("# Public key (for QR_PREVIOUS_PUBLIC_KEYS after the next rotation):")
        self.stdout.write(public_pem)
