import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The project's timeline rows become the case core's events: the moment of each row keeps its
    value under the core's name (`created_at` → `at`)."""

    dependencies = [
        ("budgeting", "0002_taxpayers_and_eligibility"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="projectevent", old_name="created_at", new_name="at"),
        migrations.AlterModelOptions(
            name='projectevent',
            options={'base_manager_name': 'objects', 'ordering': ['at', 'id'], 'verbose_name': 'project event', 'verbose_name_plural': 'project events'},
        ),
        migrations.AlterField(
            model_name='projectevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
        migrations.AlterField(
            model_name='projectevent',
            name='at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='time'),
        ),
        migrations.AlterField(
            model_name='projectevent',
            name='data',
            field=models.JSONField(blank=True, default=dict, verbose_name='details'),
        ),
        migrations.AlterField(
            model_name='projectevent',
            name='from_status',
            field=models.CharField(blank=True, choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('on_moderation', 'On moderation'), ('rejected', 'Rejected by moderator'), ('published', 'Published'), ('under_review', 'Under review'), ('feasible', 'Feasible'), ('feasible_changed_cost', 'Feasible with changed cost'), ('not_feasible', 'Not feasible'), ('appealed', 'Appealed'), ('appeal_upheld', 'Appeal upheld'), ('appeal_rejected', 'Appeal rejected'), ('on_ballot', 'On the ballot'), ('winner', 'Winner'), ('not_funded', 'Not funded'), ('implementation', 'Being implemented'), ('implemented', 'Implemented'), ('withdrawn', 'Withdrawn by the author')], default='', max_length=32, verbose_name='from'),
        ),
        migrations.AlterField(
            model_name='projectevent',
            name='kind',
            field=models.CharField(max_length=40, verbose_name='event'),
        ),
        migrations.AlterField(
            model_name='projectevent',
            name='note',
            field=models.TextField(blank=True, default='', verbose_name='note'),
        ),
        migrations.AlterField(
            model_name='projectevent',
            name='to_status',
            field=models.CharField(blank=True, choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('on_moderation', 'On moderation'), ('rejected', 'Rejected by moderator'), ('published', 'Published'), ('under_review', 'Under review'), ('feasible', 'Feasible'), ('feasible_changed_cost', 'Feasible with changed cost'), ('not_feasible', 'Not feasible'), ('appealed', 'Appealed'), ('appeal_upheld', 'Appeal upheld'), ('appeal_rejected', 'Appeal rejected'), ('on_ballot', 'On the ballot'), ('winner', 'Winner'), ('not_funded', 'Not funded'), ('implementation', 'Being implemented'), ('implemented', 'Implemented'), ('withdrawn', 'Withdrawn by the author')], default='', max_length=32, verbose_name='to'),
        ),
    ]
