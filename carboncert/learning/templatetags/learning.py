from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def progress_bar(fraction, label=""):
    """A progress bar that screen readers read as a percentage."""
    percent = max(0, min(100, round(float(fraction or 0) * 100)))
    return format_html(
        '<div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" '
        'aria-valuenow="{}"{}><span style="width: {}%"></span><b>{}%</b></div>',
        percent,
        format_html(' aria-label="{}"', label) if label else "",
        percent,
        percent,
    )


@register.filter
def clock(seconds):
    """4125 → 1:08:45, 95 → 1:35."""
    seconds = int(seconds or 0)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
