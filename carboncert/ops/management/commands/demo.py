from django.core.management import call_command
from django.core.management.base import BaseCommand

from carboncert.ops import demo


class Command(BaseCommand):
    help = "Load demo data (idempotent): catalogue, sittings, an institution, one account per role."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-migrate", action="store_true", help="do not apply database migrations first"
        )

    def handle(self, *args, **options):
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        accounts = demo.build()
        self.stdout.write(self.style.SUCCESS("演示数据已就绪 / demo data ready."))
        self.stdout.write(
            f"演示账号（密码均为 {demo.DEMO_PASSWORD}）/ demo accounts, password {demo.DEMO_PASSWORD}:"
        )
        for account in accounts:
            self.stdout.write(f"  {account.username:<20} {account.full_name:<6} {account.note}")
        self.stdout.write(
            "考前测试（今天全天开放）/ today's system test: /exam/login/ "
            "— 李思雨 310104199203181003，密码为身份证号码后四位 1003"
        )
        from carboncert.certificates.models import Certificate

        for certificate in Certificate.objects.filter(name="张三")[:1]:
            self.stdout.write(
                f"证书查验 / verify a certificate: /verify/ — {certificate.number}，张三"
                "（张三登录后在“我的证书”下载 PDF）"
            )
