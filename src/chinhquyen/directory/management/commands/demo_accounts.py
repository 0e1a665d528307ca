from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from chinhquyen.directory.demo import demo_account_rows


class Command(BaseCommand):
    help = "Print the demo accounts (username, role, organisation, password)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo accounts do not exist in production.")
        rows = demo_account_rows()
        headers = (
            "Username / Tên đăng nhập",
            "Role / Vai trò",
            "Organisation / Đơn vị",
            "Password / Mật khẩu",
        )
        widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(4)]
        line = "  ".join("-" * w for w in widths)
        self.stdout.write("Demo accounts (development only) / Tài khoản dùng thử:")
        self.stdout.write("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
        self.stdout.write(line)
        for row in rows:
            self.stdout.write("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
        self.stdout.write("")
        self.stdout.write(
            "Citizens / Công dân: http://127.0.0.1:8000/cong-dan/dang-nhap/ — sign in with any "
            "e-mail address or phone number; the one-time code is printed in this console "
            "(development mail and SMS backends) / "
            "đăng nhập bằng e-mail hoặc số điện thoại bất kỳ, "
            "mã xác thực in ra ở cửa sổ này. National SSO for development: `chinhquyen "
            "oidc_dev_provider` (Node.js), accounts in docs/citizens.md."
        )
