"""CKAN API tokens stored as hashes. Staff members' existing tokens (until now rest_framework's clear-text
Token rows, shared with the REST API) are moved here as hashes, so CKAN clients keep working, and their
clear-text rows are deleted: the REST API key of those staff members must be obtained again."""

import hashlib

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def hash_staff_tokens(apps, schema_editor):
    Token = apps.get_model("authtoken", "Token")
    StaffRole = apps.get_model("accounts", "StaffRole")
    ApiToken = apps.get_model("opendata", "ApiToken")
    staff = StaffRole.objects.values("user_id")
    moved = []
    for token in Token.objects.filter(user_id__in=staff).iterator():
        ApiToken.objects.create(user_id=token.user_id, key_hash=hashlib.sha256(token.key.encode()).hexdigest(),
                                key_prefix=token.key[:8], created_at=token.created)
        moved.append(token.pk)
    Token.objects.filter(pk__in=moved).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('opendata', '0003_res_formats'),
        ('accounts', '0002_initial'),
        ('authtoken', '0003_tokenproxy'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ApiToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key_hash', models.CharField(editable=False, max_length=64, unique=True)),
                ('key_prefix', models.CharField(editable=False, max_length=8, verbose_name='key begins with')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='issued')),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='ckan_token', to=settings.AUTH_USER_MODEL, verbose_name='staff member')),
            ],
            options={
                'verbose_name': 'CKAN API token',
                'verbose_name_plural': 'CKAN API tokens',
            },
        ),
        # Clear-text keys cannot be brought back.
        migrations.RunPython(hash_staff_tokens, migrations.RunPython.noop),
    ]
