import factory

from portal.accounts.models import Role, User

PASSWORD = "a-Very-long-passphrase-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = "Pat"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    role = Role.STUDENT
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def profile(obj, create, extracted, **kwargs):
        if create:
            from portal.accounts.models import Profile

            Profile.objects.get_or_create(user=obj)
