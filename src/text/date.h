/*
 * date.h -- the calendar: day numbers (days since 1970-01-01, proleptic
 * Gregorian) to and from civil dates, weekdays and ISO weeks.
 */
#ifndef DL_TEXT_DATE_H
#define DL_TEXT_DATE_H

#include "../dl_int.h"

int32_t dl_days_from_civil(int y, int m, int d);
void dl_civil_from_days(int32_t day, int *y, int *m, int *d);
int dl_days_in_month(int y, int m);
/* ISO weekday: 1 = Monday ... 7 = Sunday. */
int dl_weekday(int32_t day);
/* ISO 8601 week-numbering year and week of a day. */
void dl_iso_week(int32_t day, int *iso_year, int *week);

#endif
