import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("order", "0002_order_voucher_and_undiscounted_total"),
    ]

    operations = [
        migrations.CreateModel(
            name="OrderGrantedRefundLine",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("quantity", models.PositiveIntegerField(verbose_name="数量")),
                ("amount_value", models.DecimalField(decimal_places=2, max_digits=12)),
                ("reason", models.TextField(blank=True, verbose_name="原因")),
                (
                    "granted_refund",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="lines",
                        to="order.ordergrantedrefund",
                    ),
                ),
                (
                    "order_line",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="granted_refund_lines",
                        to="order.orderline",
                    ),
                ),
            ],
            options={
                "ordering": ["pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("quantity__gt", 0)),
                        name="granted_refund_line_quantity_positive",
                    )
                ],
            },
        ),
    ]
