# The appeal timeline on the case core's event base: its columns widen to the base's lengths (every row kept as it is).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('appeals', '0006_paperscan_ocr_progress'),
    ]

    operations = [
        migrations.AlterField(
            model_name='appealevent',
            name='from_status',
            field=models.CharField(blank=True, choices=[('registered', 'Registered'), ('routed', 'Routed'), ('in_progress', 'In progress'), ('extended', 'Term extended'), ('answered', 'Answered'), ('closed', 'Closed'), ('returned', 'Returned'), ('not_considered', 'Not subject to consideration'), ('reopened', 'Reopened')], default='', max_length=32, verbose_name='from'),
        ),
        migrations.AlterField(
            model_name='appealevent',
            name='kind',
            field=models.CharField(max_length=40, verbose_name='event'),
        ),
        migrations.AlterField(
            model_name='appealevent',
            name='to_status',
            field=models.CharField(blank=True, choices=[('registered', 'Registered'), ('routed', 'Routed'), ('in_progress', 'In progress'), ('extended', 'Term extended'), ('answered', 'Answered'), ('closed', 'Closed'), ('returned', 'Returned'), ('not_considered', 'Not subject to consideration'), ('reopened', 'Reopened')], default='', max_length=32, verbose_name='to'),
        ),
    ]
