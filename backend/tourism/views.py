from django.contrib.auth import views as auth_views
from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404


venues = voucher_qr = my_vouchers = voucher_detail = voucher_refund = book = venue_detail = _missing
home = scan = voucher = undo = report = _missing


class LoginView(auth_views.LoginView):
    pass
