"""The demo community's address register for `hromada demo`, loaded through the CSV import. Safe to run again."""

from __future__ import annotations

from hromada.apps.communities.actions import addresses_import
from hromada.apps.communities.models import Address, Community
from hromada.core import tenancy

# street, house, latitude, longitude, district code: points inside the demo districts (see the demo command).
ADDRESSES = """street,house,latitude,longitude,district
вулиця Соборна,1,49.8010,30.1210,CEN
вулиця Соборна,5,49.7990,30.1150,CEN
вулиця Соборна,12,49.7930,30.1120,CEN
вулиця Соборна,12а,49.7925,30.1130,CEN
проспект Незалежності,3,49.8250,30.1150,NOR
проспект Незалежності,7,49.8310,30.1200,NOR
проспект Незалежності,10,49.8400,30.1250,NOR
вулиця Шевченка,2,49.7900,30.1500,IND
вулиця Шевченка,4,49.7950,30.1550,IND
провулок Шевченка,1,49.8050,30.1600,IND
вулиця Обʼєднання,3,49.8100,30.1300,CEN
вулиця Глушківська,8,49.8400,30.1700,HLU
"""


def load_demo(community: Community) -> None:
    with tenancy.scope(community):
        if Address.objects.exists():
            return
        addresses_import(community=community, data=ADDRESSES.encode(), by=None, file_name="demo.csv")
