"""Ukrainian date formats: Django's own, less the trailing "р." of the long ones.

A date is often the last word of a sentence ("…is due by 2 грудня 2026."), where "р." gave "2026 р..".
"""

DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i"
