/* cosm_corpus: the labelled sentences (4 per scene, 12 clean) spoken by the moderation tests and
 * benchmarks. The first sentence of each scene and the first clean ones are used by the tests. */
#include "cosm_corpus.h"

#include "cosm_engine.h"

const cosm_sentence_t cosm_corpus[] = {
    {COSM_SCENE_PORN, "They were selling porn videos on the street corner."},
    {COSM_SCENE_PORN, "He secretly watched a sex video on his phone."},
    {COSM_SCENE_PORN, "The website was full of nude photos of strangers."},
    {COSM_SCENE_PORN, "She offered an escort service for rich clients."},
    {COSM_SCENE_TERRORISM, "The terrorist planned to build a bomb in his garage."},
    {COSM_SCENE_TERRORISM, "Police found explosives hidden in the car."},
    {COSM_SCENE_TERRORISM, "The group took hostages and threatened a massacre."},
    {COSM_SCENE_TERRORISM, "He talked about a suicide attack on the city."},
    {COSM_SCENE_POLITICS, "They want to overthrow the government by force."},
    {COSM_SCENE_POLITICS, "The army staged a military coup last night."},
    {COSM_SCENE_POLITICS, "People said the rigged election was stolen."},
    {COSM_SCENE_POLITICS, "The dictator used propaganda to control the people."},
    {COSM_SCENE_ILLEGAL, "He tried to sell cocaine and heroin at the party."},
    {COSM_SCENE_ILLEGAL, "We can make you a fake passport for one thousand dollars."},
    {COSM_SCENE_ILLEGAL, "The gang ran a money laundering business."},
    {COSM_SCENE_ILLEGAL, "They bought stolen credit cards online."},
    {COSM_SCENE_ABUSE, "Shut up, you stupid idiot."},
    {COSM_SCENE_ABUSE, "You are a worthless loser and nobody likes you."},
    {COSM_SCENE_ABUSE, "Go to hell, you pathetic moron."},
    {COSM_SCENE_ABUSE, "I hate you, you disgusting pig."},
    {COSM_SCENE_ADS, "Buy now and get fifty percent off, call this number today."},
    {COSM_SCENE_ADS, "Use this promo code for free shipping on every order."},
    {COSM_SCENE_ADS, "Special offer, visit our website for the lowest price."},
    {COSM_SCENE_ADS, "Make money fast, work from home and get rich."},
    {COSM_SCENE_TEENAGER, "Let's skip school and smoke cigarettes behind the gym."},
    {COSM_SCENE_TEENAGER, "We got drunk on vodka at the party last night."},
    {COSM_SCENE_TEENAGER, "Kids should never drink beer or whiskey."},
    {COSM_SCENE_TEENAGER, "He wants to run away from home and get a tattoo."},
    {-1, "Welcome to the evening news. Today the weather will be sunny with light winds."},
    {-1, "Please remember to water the plants in the garden every morning."},
    {-1, "The library opens at nine and closes at six on weekdays."},
    {-1, "My grandmother baked a delicious apple pie for dinner."},
    {-1, "The train to the airport leaves from platform number four."},
    {-1, "Our team won the football match after a long season."},
    {-1, "The children are reading books about animals and the ocean."},
    {-1, "Please turn off the lights when you leave the room."},
    {-1, "The museum has a new exhibition about ancient history."},
    {-1, "I would like a cup of tea with milk and honey."},
    {-1, "The doctor said that regular exercise is good for your heart."},
    {-1, "We are planning a quiet holiday in the mountains this summer."},
};
const size_t cosm_corpus_len = sizeof(cosm_corpus) / sizeof(cosm_corpus[0]);
