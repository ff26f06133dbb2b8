"""One keyed chain per community: the new columns (filled by 0003, constrained by 0004)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0001_initial'),
        ('communities', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditrecord',
            name='chain',
            field=models.BigIntegerField(default=0, verbose_name='chain'),
        ),
        migrations.AddField(
            model_name='auditrecord',
            name='seq',
            field=models.BigIntegerField(null=True, verbose_name='number in the chain'),
        ),
        migrations.AddField(
            model_name='auditchainhead',
            name='chain',
            field=models.BigIntegerField(null=True, verbose_name='chain'),
        ),
        migrations.AddField(
            model_name='auditchainhead',
            name='community',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name='+', to='communities.community', verbose_name='community'),
        ),
        migrations.AddField(
            model_name='auditchainhead',
            name='last_seq',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='auditchainhead',
            name='last_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='auditchainhead',
            name='seal',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterModelOptions(
            name='auditchainhead',
            options={'verbose_name': 'audit chain head', 'verbose_name_plural': 'audit chain heads'},
        ),
        migrations.CreateModel(
            name='AuditDayHead',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('chain', models.BigIntegerField(verbose_name='chain')),
                ('day', models.DateField(verbose_name='day')),
                ('seq', models.BigIntegerField(verbose_name='records in the chain')),
                ('hash', models.CharField(max_length=64, verbose_name='seal of the last record')),
                ('published_at', models.DateTimeField(verbose_name='published')),
                ('community', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                                related_name='+', to='communities.community',
                                                verbose_name='community')),
            ],
            options={
                'verbose_name': 'published audit head',
                'verbose_name_plural': 'published audit heads',
                'ordering': ['chain', 'day'],
                'constraints': [models.UniqueConstraint(fields=('chain', 'day'), name='audit_dayhead_chain_day')],
            },
        ),
    ]
