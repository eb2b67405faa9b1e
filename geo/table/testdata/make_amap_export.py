"""Writes amap_export.xlsx, shaped like an Amap (高德) place-search export
saved from Excel: one sheet, a header row, "lng,lat" GCJ-02 locations in one
cell, a blank row in the middle and a number stored as text. The places are
invented. Needs python3-openpyxl (Debian); run from this directory:
    python3 make_amap_export.py  (with the Debian python3-openpyxl installed)
"""
import datetime
from openpyxl import Workbook

wb = Workbook()
ws = wb.active
ws.title = "高德POI"
ws.append(["name", "type", "typecode", "address", "location", "pname", "cityname", "adname"])
rows = [
    ["便民超市(古槐路店)", "购物服务;便民商店/便利店;便利店", "060200", "古槐路18号", "116.587069,35.415137", "山东省", "济宁市", "任城区"],
    ["幸福社区卫生服务站", "医疗保健服务;诊所;诊所", "090602", "建设北路66号", "116.5754321, 35.4123456", "山东省", "济宁市", "任城区"],
    None,
    ["红星菜市场", "购物服务;综合市场;菜市场", "060705", "红星中路", "116.57８,35.41２", "山东省", "济宁市", "任城区"],
    ["  和平幼儿园 ", "科教文化服务;学校;幼儿园", "141204", "[]", "116.561234，35.401234", "山东省", "济宁市", "任城区"],
]
for r in rows:
    ws.append(r if r else [])
wb.properties.created = datetime.datetime(2024, 1, 1)
wb.properties.modified = datetime.datetime(2024, 1, 1)
wb.save("amap_export.xlsx")
