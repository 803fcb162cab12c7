"""Reminders are queued by the click and sent by a job: the claim time becomes queued_at,
and a status replaces the delivered flag (delivered → sent, else failed)."""

from django.db import migrations, models


def status_from_delivered(apps, schema_editor):
    Reminder = apps.get_model("learning", "Reminder")
    Reminder.objects.filter(delivered=True).update(status="sent", sent_at=models.F("queued_at"))
    Reminder.objects.filter(delivered=False).update(status="failed", sent_at=models.F("queued_at"))


class Migration(migrations.Migration):
    dependencies = [("learning", "0002_reminders")]

    operations = [
        migrations.RemoveIndex(model_name="reminder", name="learning_re_applica_03beb1_idx"),
        migrations.RenameField(model_name="reminder", old_name="sent_at", new_name="queued_at"),
        migrations.AlterField(
            model_name="reminder",
            name="queued_at",
            field=models.DateTimeField(verbose_name="提交时间"),
        ),
        migrations.AddField(
            model_name="reminder",
            name="sent_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="发送时间"),
        ),
        migrations.AddField(
            model_name="reminder",
            name="sending_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="开始发送"),
        ),
        migrations.AddField(
            model_name="reminder",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "待发送"),
                    ("sending", "发送中"),
                    ("sent", "已发送"),
                    ("failed", "发送失败"),
                ],
                default="queued",
                max_length=10,
                verbose_name="状态",
            ),
        ),
        migrations.RunPython(status_from_delivered, migrations.RunPython.noop),
        migrations.RemoveField(model_name="reminder", name="delivered"),
        migrations.AlterModelOptions(
            name="reminder",
            options={
                "ordering": ["-queued_at"],
                "verbose_name": "学习提醒",
                "verbose_name_plural": "学习提醒",
            },
        ),
        migrations.AddIndex(
            model_name="reminder",
            index=models.Index(
                fields=["application", "queued_at"], name="learning_re_applica_603a2e_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="reminder",
            index=models.Index(
                fields=["status", "queued_at"], name="learning_re_status_c20047_idx"
            ),
        ),
    ]
