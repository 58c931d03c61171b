"""g60rules: screens 财政项目支出绩效目标申报表 against the budget-management requirements."""

__version__ = "0.1.0"
