from enum import StrEnum


class FestivalsEnum(StrEnum):
    BLACK_FRIDAY = "black_friday"
    BOXING_DAY = "boxing_day"
    CHINESE_NEW_YEAR = "chinese_new_year"
    CHRISTMAS = "christmas"
    CYBER_MONDAY = "cyber_monday"
    DOUBLE_TWELVE = "double_twelve"
    END_OF_SEASON_SALES = "end_of_season_sales"
    SINGLES_DAY = "singles_day"
    VALUE_1 = "618"

    def __str__(self) -> str:
        return str(self.value)
