"""Names and places for the demo programme: plausible, plainly invented."""

from __future__ import annotations

__all__ = ["FIRST_NAMES", "MUNICIPALITIES", "PATRONYMICS", "REGION", "SURNAMES", "org_name"]

REGION = "Тульская область"
MUNICIPALITIES = ("г. Тула", "г. Новомосковск")
SURNAMES = (
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
    "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
    "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
)  # fmt: skip
FIRST_NAMES = (
    ("Александр", "m"), ("Дмитрий", "m"), ("Максим", "m"), ("Сергей", "m"), ("Андрей", "m"),
    ("Иван", "m"), ("Артём", "m"), ("Михаил", "m"), ("Анна", "f"), ("Мария", "f"),
    ("Елена", "f"), ("Ольга", "f"), ("Дарья", "f"), ("Екатерина", "f"), ("Полина", "f"),
    ("Софья", "f"),
)  # fmt: skip
PATRONYMICS = {
    "m": ("Александрович", "Сергеевич", "Иванович", "Петрович", "Андреевич"),
    "f": ("Александровна", "Сергеевна", "Ивановна", "Петровна", "Андреевна"),
}


def org_name(kind: str, number: int, municipality: str) -> str:
    town = municipality.removeprefix("г. ")
    return {
        "school": f"МБОУ «Средняя школа № {number}», {town}",
        "college": f"ГПОУ ТО «Колледж № {number}», {town}",
        "additional": f"МБУ ДО «Центр творчества № {number}», {town}",
        "partner": f"ООО «Технопарк-{number}», {town}",
    }[kind]
