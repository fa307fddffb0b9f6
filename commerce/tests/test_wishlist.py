import pytest
from django.template import Context, Template
from django.urls import reverse

from commerce.models import CartItem, WishlistItem
from commerce.shop.cart import CART_ALREADY_IN_CART
from commerce.tests.factories import CartFactory, CartItemFactory, WishlistItemFactory
from commerce.views.wishlist import WISHLIST_LOGIN_NEEDED, WISHLIST_MOVED, WISHLIST_REMOVED, WISHLIST_SAVED
from courses.product_kind import COURSE_ALREADY_OWNED
from courses.tests.factories import CourseFactory, EnrollmentFactory
from innerwork.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WISHLIST_URL = reverse("commerce:wishlist")


def save(client, course, **extra):
    return client.post(reverse("commerce:wishlist_add"), {"kind": "course", "ref": str(course.pk), **extra})


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def customer(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_a_visitor_is_asked_to_log_in_and_brought_back_to_the_course(client):
    # given an anonymous visitor on a course page
    course = CourseFactory()
    # when they press "Save to wishlist"
    response = save(client, course, next=course.get_absolute_url())
    # then they go to the login page, which will return them to the course
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={course.get_absolute_url()}"
    assert not WishlistItem.objects.exists()
    assert WISHLIST_LOGIN_NEEDED in messages_of(client.get(response.url))


def test_the_wishlist_page_needs_a_login(client):
    response = client.get(WISHLIST_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_saving_a_course_returns_to_the_page_and_lists_it_with_its_price(client, customer):
    course = CourseFactory(title="Leading kindly", price_amount=3900)
    response = save(client, course, next=course.get_absolute_url())
    assert response.url == course.get_absolute_url()
    page = client.get(WISHLIST_URL)
    html = page.content.decode()
    assert WISHLIST_SAVED in messages_of(page)
    assert "Leading kindly" in html
    assert "$39.00" in html
    assert "Move to cart</button>" in html


def test_saving_twice_keeps_one_entry(client, customer):
    course = CourseFactory()
    save(client, course)
    save(client, course)
    assert WishlistItem.objects.filter(user=customer).count() == 1


def test_an_owned_course_cannot_be_saved(client, customer):
    course = CourseFactory()
    EnrollmentFactory(user=customer, course=course)
    response = save(client, course)
    assert COURSE_ALREADY_OWNED in messages_of(client.get(response.url))
    assert not WishlistItem.objects.exists()


def test_moving_to_the_cart_takes_it_off_the_wishlist(client, customer):
    course = CourseFactory()
    item = WishlistItemFactory(user=customer, ref=str(course.pk))
    response = client.post(reverse("commerce:wishlist_move_to_cart", kwargs={"item_id": item.pk}))
    assert response.url == WISHLIST_URL
    assert WISHLIST_MOVED in messages_of(client.get(WISHLIST_URL))
    assert not WishlistItem.objects.exists()
    assert CartItem.objects.filter(cart__user=customer, ref=str(course.pk)).exists()


def test_moving_an_item_already_in_the_cart_just_clears_it_from_the_wishlist(client, customer):
    course = CourseFactory()
    CartItemFactory(cart=CartFactory(user=customer), ref=str(course.pk))
    item = WishlistItemFactory(user=customer, ref=str(course.pk))
    client.post(reverse("commerce:wishlist_move_to_cart", kwargs={"item_id": item.pk}))
    assert not WishlistItem.objects.exists()
    assert CartItem.objects.filter(cart__user=customer).count() == 1


def test_an_item_bought_meanwhile_stays_on_the_wishlist_with_the_reason(client, customer):
    course = CourseFactory()
    item = WishlistItemFactory(user=customer, ref=str(course.pk))
    EnrollmentFactory(user=customer, course=course)
    response = client.post(reverse("commerce:wishlist_move_to_cart", kwargs={"item_id": item.pk}))
    page = client.get(response.url)
    assert COURSE_ALREADY_OWNED in messages_of(page)
    assert WishlistItem.objects.filter(pk=item.pk).exists()
    assert "Not available to buy" in page.content.decode()


def test_removing_from_the_wishlist(client, customer):
    item = WishlistItemFactory(user=customer, ref=str(CourseFactory().pk))
    response = client.post(reverse("commerce:wishlist_remove", kwargs={"item_id": item.pk}))
    assert WISHLIST_REMOVED in messages_of(client.get(response.url))
    assert not WishlistItem.objects.exists()


@pytest.mark.parametrize("action", ["commerce:wishlist_remove", "commerce:wishlist_move_to_cart"])
def test_nobody_touches_another_persons_wishlist(client, customer, action):
    # given someone else's wishlist item
    theirs = WishlistItemFactory(ref=str(CourseFactory().pk))
    # when this customer posts its id
    response = client.post(reverse(action, kwargs={"item_id": theirs.pk}))
    # then it does not exist for them, and nothing changed
    assert response.status_code == 404
    assert WishlistItem.objects.filter(pk=theirs.pk).exists()
    assert not CartItem.objects.exists()


def test_another_persons_wishlist_never_shows(client, customer):
    WishlistItemFactory(ref=str(CourseFactory(title="Their secret wish").pk))
    assert "Their secret wish" not in client.get(WISHLIST_URL).content.decode()


def test_an_empty_wishlist_explains_how_to_fill_it(client, customer):
    html = client.get(WISHLIST_URL).content.decode()
    assert "Nothing saved yet" in html
    assert reverse("courses:catalogue") in html


def test_a_wishlist_item_already_in_the_cart_says_so(client, customer):
    course = CourseFactory()
    WishlistItemFactory(user=customer, ref=str(course.pk))
    CartItemFactory(cart=CartFactory(user=customer), ref=str(course.pk))
    html = client.get(WISHLIST_URL).content.decode()
    assert "In your cart</a>" in html
    assert "Move to cart</button>" not in html


# --- the buy box on a course page ------------------------------------------------------------


def render_buy_box(rf, user, course, session=None) -> str:
    request = rf.get(course.get_absolute_url())
    request.user = user
    request.session = session or {}
    template = Template('{% load cart_tags %}{% buy_box "course" course.pk %}')
    return template.render(Context({"request": request, "course": course, "csrf_token": "token"}))


def test_the_course_page_offers_add_to_cart_and_save_to_wishlist(client):
    course = CourseFactory(price_amount=4900)
    html = client.get(course.get_absolute_url()).content.decode()
    assert f'action="{reverse("commerce:cart_add")}"' in html
    assert f'action="{reverse("commerce:wishlist_add")}"' in html
    assert f'<input type="hidden" name="next" value="{course.get_absolute_url()}">' in html
    assert "be asked to log in to save courses." in html


def test_adding_from_the_course_page_then_shows_go_to_cart(client):
    course = CourseFactory(price_amount=4900)
    client.post(reverse("commerce:cart_add"), {"kind": "course", "ref": str(course.pk)})
    html = client.get(course.get_absolute_url()).content.decode()
    assert f'href="{reverse("commerce:cart")}">Go to cart</a>' in html
    assert ">Add to cart</button>" not in html


def test_the_buy_box_shows_a_saved_course_as_saved(rf):
    user = UserFactory()
    course = CourseFactory()
    WishlistItemFactory(user=user, ref=str(course.pk))
    html = render_buy_box(rf, user, course)
    assert "Saved to wishlist</a>" in html
    assert "Save to wishlist</button>" not in html


def test_a_duplicate_add_from_a_stale_course_page_is_explained(client, customer):
    course = CourseFactory(title="Twice")
    client.post(reverse("commerce:cart_add"), {"kind": "course", "ref": str(course.pk)})
    response = client.post(
        reverse("commerce:cart_add"), {"kind": "course", "ref": str(course.pk), "next": course.get_absolute_url()}
    )
    assert CART_ALREADY_IN_CART.format(title="Twice") in messages_of(client.get(response.url))
