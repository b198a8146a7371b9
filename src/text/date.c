/*
 * date.c -- civil calendar arithmetic (H. Hinnant's algorithms) and the
 * parsing and formatting of ISO dates.
 */
#include "date.h"

#include <stdio.h>

int32_t dl_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int32_t)doe - 719468;
}

void dl_civil_from_days(int32_t z, int *y, int *m, int *d)
{
    z += 719468;
    int32_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int yy = (int)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yy + (*m <= 2);
}

int dl_days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12) return 0;
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return dm[m - 1];
}

int dl_weekday(int32_t day)
{
    /* 1970-01-01 was a Thursday (4) */
    int w = (int)((day % 7 + 7) % 7); /* 0 = Thursday */
    return (w + 3) % 7 + 1;
}

void dl_iso_week(int32_t day, int *iso_year, int *week)
{
    /* the Thursday of this week decides the year */
    int32_t thu = day - dl_weekday(day) + 4;
    int y, m, d;
    dl_civil_from_days(thu, &y, &m, &d);
    int32_t jan1 = dl_days_from_civil(y, 1, 1);
    *iso_year = y;
    *week = (int)((thu - jan1) / 7 + 1);
}

int dl_date_parse(const char *s, size_t len, int32_t *day)
{
    if (!s || len != 10 || s[4] != '-' || s[7] != '-') return DL_EINVAL;
    int v[8], k = 0;
    for (size_t i = 0; i < 10; i++) {
        if (i == 4 || i == 7) continue;
        if (s[i] < '0' || s[i] > '9') return DL_EINVAL;
        v[k++] = s[i] - '0';
    }
    int y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
    int m = v[4] * 10 + v[5];
    int d = v[6] * 10 + v[7];
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > dl_days_in_month(y, m))
        return DL_EINVAL;
    if (day) *day = dl_days_from_civil(y, m, d);
    return DL_OK;
}

void dl_date_format(int32_t day, char out[11])
{
    int y, m, d;
    dl_civil_from_days(day, &y, &m, &d);
    if (y < 0) y = 0;
    if (y > 9999) y = 9999;
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}
