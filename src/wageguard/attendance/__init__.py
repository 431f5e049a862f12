"""Attendance: gate devices, punches, worker-days, worker-months and the monthly sheet (月考勤表)."""
