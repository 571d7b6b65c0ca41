/**
 * Passwords that appear at the top of every leaked-password list, plus the usual 12+ character stretches of them
 * (a digit run, a keyboard row, a word repeated). Compared lower-cased; a password on this list is refused even
 * when it is long enough. Space-separated so the list stays a readable block.
 */
const LIST = `
123456 password 12345678 qwerty 123456789 12345 1234 111111 1234567 dragon 123123 baseball abc123 football monkey
letmein 696969 shadow master 666666 qwertyuiop 123321 mustang 1234567890 michael 654321 superman 1qaz2wsx 7777777
121212 000000 qazwsx 123qwe killer trustno1 jordan jennifer zxcvbnm asdfgh hunter buster soccer harley batman andrew
tigger sunshine iloveyou 2000 charlie robert thomas hockey ranger daniel starwars klaster 112233 george computer
michelle jessica pepper 1111 zxcvbn 555555 11111111 131313 freedom 777777 pass maggie 159753 aaaaaa ginger princess
joshua cheese amanda summer love ashley nicole chelsea biteme matthew access yankees 987654321 dallas austin thunder
taylor matrix mobilemail mom monitor monitoring montana moon moscow welcome welcome1 password1 password12
password123 password1234 password12345 password123456 password! password1! password123! password1234! passw0rd
p@ssword p@ssw0rd p@ssw0rd1 p@ssw0rd123 p@ssword123 p@ssword1234 pa$$word pa$$w0rd passw0rd1 passw0rd123
passw0rd1234 passwordpassword password.123 password-1234 password_123 password_1234 admin admin123 admin1234
admin12345 administrator administrator1 administrator123 adminadmin adminadmin123 adminpassword admin@123 admin@1234
root toor changeme changeme123 changeme1234 changemenow letmein123 letmein1234 letmein12345 welcome123 welcome1234
welcome12345 welcome2024 welcome2025 welcome2026 iloveyou1 iloveyou123 iloveyou1234 iloveyou12345 qwerty1 qwerty12
qwerty123 qwerty1234 qwerty12345 qwerty123456 qwerty1234567 qwerty123456789 qwertyqwerty qwertyuiop1 qwertyuiop12
qwertyuiop123 qwertyuiop1234 qwertyuiopasdf qwertyuiopasdfgh qwertyuiopasdfghjkl asdfghjkl asdfghjkl1 asdfghjkl123
asdfghjkl1234 asdfasdfasdf asdfasdf zxcvbnm1 zxcvbnm123 zxcvbnm12345 zxcvbnmasdfghjkl 1q2w3e4r 1q2w3e4r5t
1q2w3e4r5t6y 1q2w3e4r5t6y7u 1qaz2wsx3edc 1qaz2wsx3edc4rfv zaq12wsx zaq12wsxcde3 zaq1zaq1 zaq1xsw2cde3 qazwsxedc
qazwsxedcrfv qazwsxedc123 123qweasd 123qweasdzxc qweasdzxc qweasdzxc123 1234qwer 1234qwerasdf 1234qwerty 12345qwert
123456qwerty 123456789q 123456789a 123456789abc abc123456 abc1234567 abc123456789 abcdefgh abcdefghij abcdefghijk
abcdefghijkl abcdefghijklm abcd1234 abcd12345678 a1b2c3d4 a1b2c3d4e5f6 1234567890a 12345678910 123456789012
1234567890123 12345678901234 123456123456 123123123 123123123123 112233445566 111222333 111222333444 11111111111
111111111111 1111111111111 000000000000 0000000000 999999999999 888888888888 121212121212 147258369 147258369000
159357 987654321000 9876543210 0987654321 monkey123 monkey123456 dragon123 dragon123456 football1 football123
football1234 baseball1 baseball123 baseball1234 basketball basketball1 basketball123 superman1 superman123
superman1234 batman123 batman1234 trustno1trustno1 sunshine1 sunshine123 sunshine1234 princess1 princess123
princess1234 starwars1 starwars123 starwars1234 master123 master1234 shadow123 shadow1234 michael123 michael1234
jordan23 jordan2323 charlie123 charlie1234 computer1 computer123 computer1234 whatever whatever123 whatever1234
letmeinnow letmeinplease secret secret123 secret1234 secretpassword mypassword mypassword1 mypassword123
mypassword1234 newpassword newpassword1 newpassword123 newpassword1234 defaultpassword default123 guest guest123
guestguest test test123 test1234 test12345 testtest testtesttest testpassword testing123 testing1234 user user123
user1234 useruser login login123 loginlogin hello hello123 hello1234 helloworld helloworld1 helloworld123
helloworld1234 goodluck goodbye freedom1 freedom123 freedom1234 football12345 liverpool liverpool1 liverpool123
chelsea123 arsenal arsenal123 manchester manchester1 manchesterunited barcelona realmadrid samsung samsung123
internet internet123 google google123 facebook facebook123 linkedin microsoft microsoft123 apple apple123 iphone
iphone123 android android123 minecraft minecraft123 pokemon pokemon123 naruto naruto123 spiderman spiderman1
spiderman123 ironman blink182 metallica slipknot nirvana qwer1234 qwer1234qwer asdf1234 asdf1234asdf zxcv1234
1qazxsw2 1qazxsw23edc !qaz2wsx !qaz@wsx#edc q1w2e3r4 q1w2e3r4t5 q1w2e3r4t5y6 q1w2e3r4t5y6u7 iloveu lovely loveyou
loveme lovelove iloveyouforever iloveyousomuch everything nothing something anything jesus jesuschrist jesus123
godisgood blessed blessed123 heaven angel angel123 angels butterfly flower flowers purple orange yellow silver
golden diamond summer123 summer2024 summer2025 summer2026 winter winter123 winter2024 winter2025 winter2026
spring2025 autumn2025 january february march2025 december november october september tandem tandem123 tandempassword
tandem1234 tandemadmin
`;

export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(LIST.split(/\s+/).filter(Boolean));
